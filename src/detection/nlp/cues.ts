/** Titles and honorifics that precede a person's name (lowercase, no trailing dot). */
export const TITLES = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'doctor', 'prof', 'professor', 'sir', 'dame', 'lady', 'lord', 'rev',
  'reverend', 'fr', 'father', 'sister', 'brother', 'nurse', 'officer', 'judge', 'justice', 'sen', 'senator',
  'rep', 'gov', 'governor', 'mayor', 'president', 'capt', 'captain', 'sgt', 'sergeant', 'lt', 'lieutenant',
  'col', 'colonel', 'gen', 'cpl', 'pvt', 'det', 'detective', 'agent', 'coach', 'madam', 'mme', 'mlle', 'herr',
  'frau', 'señor', 'señora', 'sr', 'sra', 'dra', 'don', 'doña', 'uncle', 'aunt', 'grandma', 'grandpa',
]);

/** Words right before a name that say a person follows ("Dear", "patient", "signed by"). */
export const PERSON_CUES_BEFORE = new Set([
  'dear', 'hi', 'hello', 'hey', 'thanks', 'thank', 'cc', 'attn', 'attention', 'patient', 'pt', 'client',
  'customer', 'caller', 'contact', 'name', 'named', 'by', 'with', 'from', 'to', 'for', 'ask', 'tell', 'told',
  'call', 'called', 'email', 'emailed', 'met', 'meet', 'saw', 'see', 'visited', 'spoke', 'talked', 'physician',
  'provider', 'surgeon', 'clinician', 'therapist', 'pharmacist', 'resident', 'attending', 'referred',
  'signed', 'witness', 'employee', 'manager', 'member', 'guardian', 'parent', 'mother', 'father', 'son',
  'daughter', 'wife', 'husband', 'spouse', 'son', 'sister', 'brother', 'friend', 'colleague', 'owner',
  'applicant', 'tenant', 'landlord', 'agent', 'rep', 'representative', 'technician', 'sincerely', 'regards',
  'cheers', 'best', 'love', 'yours', 'mr', 'mrs', 'ms', 'dr', 'is', 'am', "i'm", 'im', 'as', 'and', 'or',
]);

/** Words right after a name that say it was a person ("said", ", MD"). */
export const PERSON_CUES_AFTER = new Set([
  'said', 'says', 'wrote', 'writes', 'asked', 'asks', 'called', 'calls', 'replied', 'reported', 'reports',
  'stated', 'states', 'told', 'mentioned', 'emailed', 'texted', 'signed', 'approved', 'was', 'is', 'has',
  'had', 'will', 'would', 'can', 'could', 'should', 'presented', 'presents', 'complained', 'complains',
  'denies', 'denied', 'agreed', 'agrees', 'wants', 'wanted', 'needs', 'needed', 'lives', 'lived', 'works',
  'worked', 'md', 'do', 'rn', 'np', 'pa', 'phd', 'dds', 'jr', 'sr', 'ii', 'iii', 'esq', 'cpa',
]);

/** Verbs after a word that fit a person and a company alike ("Maria is", "Spotify is"). */
export const WEAK_CUES_AFTER = new Set(['was', 'is', 'has', 'had', 'will', 'would', 'can', 'could', 'should', 'wants', 'wanted', 'needs', 'needed', 'agreed', 'agrees', 'reported', 'reports', 'approved']);

/** Labels and verbs before a name that say an organization follows ("Company:", "insurer", "works at"). */
export const ORG_CUES_BEFORE = new Set(['company', 'employer', 'insurer', 'insurance', 'plan', 'carrier', 'payer', 'payor', 'vendor', 'supplier', 'firm', 'organization', 'organisation', 'org', 'joined', 'bank', 'lender', 'provider', 'agency', 'brokerage', 'startup', 'competitor', 'partner', 'account', 'merchant', 'retailer', 'manufacturer', 'airline', 'hospital', 'clinic', 'university', 'school']);

/** Prepositions before a name that fit an organization as well as a place or person. */
export const WEAK_ORG_CUES_BEFORE = new Set(['at', 'from', 'with', 'for', 'by', 'of', 'to', 'via']);

/** Words before a place ("in Boston", "born in", "moved to"). */
export const PLACE_CUES_BEFORE = new Set(['in', 'from', 'to', 'at', 'near', 'into', 'toward', 'towards', 'via', 'outside', 'around', 'across', 'visiting', 'city', 'town', 'location', 'located', 'based', 'born', 'lives', 'moved', 'relocated', 'travel', 'traveling', 'travelling', 'flew', 'flight', 'state', 'country', 'birth', 'birthplace', 'hometown', 'city', 'residence', 'destination', 'origin', 'headquartered', 'office', 'offices', 'branch']);

/** Nouns after "our X" / "the X" that make X a place ("our Leiden office"). */
export const PLACE_NOUNS_AFTER = new Set(['office', 'offices', 'branch', 'expo', 'conference', 'campus', 'store', 'warehouse', 'site', 'plant', 'factory', 'headquarters', 'hq', 'team', 'clinic', 'hospital', 'airport', 'station', 'area', 'region', 'location']);

/** Last words of an organization's name. */
export const ORG_SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'plc',
  'gmbh', 'ag', 'sa', 'sas', 'sarl', 'srl', 'bv', 'nv', 'pty', 'pte', 'group',
  'holdings', 'partners', 'associates', 'bank', 'bancorp', 'trust', 'capital', 'ventures', 'investments',
  'insurance', 'assurance', 'hospital', 'hospitals', 'clinic', 'clinics', 'health', 'healthcare', 'medical',
  'pharmacy', 'pharmaceuticals', 'pharma', 'labs', 'laboratories', 'laboratory', 'university', 'college',
  'institute', 'academy', 'school', 'foundation', 'fund', 'association', 'society', 'council', 'committee',
  'agency', 'authority', 'commission', 'department', 'ministry', 'bureau', 'office', 'church', 'systems',
  'solutions', 'services', 'technologies', 'technology', 'tech', 'software', 'networks', 'media', 'studios',
  'consulting', 'motors', 'airlines', 'airways', 'logistics', 'industries', 'enterprises', 'international',
  'worldwide', 'global', 'energy', 'electric', 'telecom', 'communications', 'foods', 'brands', 'stores',
  'center', 'centre', 'centers', 'network', 'alliance', 'union', 'federation', 'club', 'press', 'news',
  'magazine', 'times', 'post', 'journal', 'gazette', 'analytics', 'labs', 'dynamics', 'robotics', 'bio',
  'biosciences', 'therapeutics', 'diagnostics', 'logistics', 'markets', 'retail', 'realty', 'properties',
]);

/** Suffixes that alone ("Mayo Clinic") can only be an organization; others need 2+ words. */
export const STRONG_ORG_SUFFIXES = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'ltd', 'corp', 'corporation', 'plc', 'gmbh', 'ag', 'pty', 'bancorp',
  'hospital', 'clinic', 'university', 'college', 'institute', 'foundation', 'pharmaceuticals', 'laboratories',
  'holdings', 'technologies', 'associates', 'partners', 'group', 'company',
]);

/** First words that open an organization's name ("University of Chicago", "Bank of America"). */
export const ORG_PREFIXES = new Set(['university', 'bank', 'institute', 'department', 'ministry', 'college', 'school', 'academy', 'museum', 'church', 'office', 'bureau', 'council', 'board', 'federal', 'national', 'royal', 'first', 'saint', 'st']);

/** Particles inside names ("Ludwig van Beethoven", "María de la Cruz"). */
export const NAME_PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'dos', 'das', 'du', 'la', 'le', 'bin', 'ibn', 'al', 'el', 'ter', 'ten', 'st']);

/** Words that join the parts of an organization or place name. */
export const NAME_CONNECTORS = new Set(['of', 'and', 'the', 'for', 'on', 'upon', 'de', 'la', 'del', 'du']);

/** Place kinds that close a place name ("Cook County", "Lake Tahoe" handled by gazetteer). */
export const PLACE_SUFFIXES = new Set(['county', 'city', 'province', 'prefecture', 'district', 'island', 'islands', 'valley', 'beach', 'springs', 'heights', 'village', 'township', 'borough', 'parish', 'canton', 'region', 'republic', 'kingdom', 'state']);
