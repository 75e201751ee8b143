/**
 * Well-known organizations whose names carry no legal suffix ("Aetna", "Spotify"). Lowercase.
 * Complements compromise's organization lexicon with insurers, health systems, banks and large
 * employers that show up in support, clinical and CRM text.
 */
export const KNOWN_ORGANIZATIONS = [
  // Health insurers and health systems
  'aetna', 'anthem', 'cigna', 'humana', 'unitedhealthcare', 'united healthcare', 'unitedhealth', 'kaiser permanente',
  'kaiser', 'blue cross', 'blue shield', 'blue cross blue shield', 'bcbs', 'centene', 'molina', 'elevance',
  'elevance health', 'highmark', 'oscar health', 'tricare', 'wellcare', 'ambetter', 'optum', 'cvs', 'cvs health',
  'walgreens', 'rite aid', 'mayo clinic', 'cleveland clinic', 'johns hopkins', 'mount sinai', 'kaiser foundation',
  'cedars-sinai', 'ucsf', 'nyu langone', 'mass general', 'massachusetts general', 'providence', 'ascension',
  'hca', 'hca healthcare', 'tenet', 'sutter health', 'intermountain', 'geisinger', 'labcorp', 'quest diagnostics',
  'pfizer', 'moderna', 'merck', 'novartis', 'roche', 'sanofi', 'astrazeneca', 'glaxosmithkline', 'gsk', 'bayer',
  'johnson & johnson', 'abbvie', 'eli lilly', 'bristol myers squibb', 'amgen', 'gilead', 'medtronic', 'nhs',
  // Banks, payments, insurance
  'jpmorgan', 'jpmorgan chase', 'jp morgan', 'chase', 'bank of america', 'wells fargo', 'citibank', 'citigroup',
  'citi', 'goldman sachs', 'morgan stanley', 'capital one', 'us bank', 'pnc', 'truist', 'td bank', 'hsbc',
  'barclays', 'lloyds', 'natwest', 'santander', 'bbva', 'bnp paribas', 'société générale', 'societe generale',
  'credit agricole', 'crédit agricole', 'deutsche bank', 'commerzbank', 'ing', 'rabobank', 'abn amro', 'ubs',
  'credit suisse', 'unicredit', 'intesa sanpaolo', 'allianz', 'axa', 'generali', 'zurich', 'aviva', 'prudential',
  'metlife', 'geico', 'state farm', 'allstate', 'progressive', 'liberty mutual', 'nationwide', 'aig', 'chubb',
  'paypal', 'stripe', 'visa', 'mastercard', 'american express', 'amex', 'square', 'revolut', 'monzo', 'n26',
  'klarna', 'adyen', 'fidelity', 'vanguard', 'charles schwab', 'schwab', 'blackrock', 'robinhood', 'coinbase',
  // Technology and consumer
  'google', 'alphabet', 'microsoft', 'apple', 'amazon', 'aws', 'meta', 'facebook', 'instagram', 'whatsapp',
  'netflix', 'spotify', 'uber', 'lyft', 'airbnb', 'twitter', 'linkedin', 'salesforce', 'oracle', 'ibm', 'intel',
  'amd', 'nvidia', 'cisco', 'dell', 'hp', 'hewlett packard', 'hewlett-packard', 'lenovo', 'samsung', 'sony',
  'siemens', 'sap', 'shopify', 'atlassian', 'slack', 'zoom', 'dropbox', 'adobe', 'github', 'gitlab', 'openai',
  'anthropic', 'tesla', 'spacex', 'twilio', 'snowflake', 'databricks', 'palantir', 'workday', 'servicenow',
  'zendesk', 'hubspot', 'mailchimp', 'intuit', 'accenture', 'deloitte', 'pwc', 'kpmg', 'ernst & young', 'ey',
  'mckinsey', 'boston consulting group', 'bain', 'capgemini', 'infosys', 'tata consultancy services', 'wipro',
  'walmart', 'target', 'costco', 'home depot', "lowe's", 'best buy', 'ikea', 'nike', 'adidas', 'starbucks',
  "mcdonald's", 'coca-cola', 'pepsico', 'unilever', 'nestlé', 'nestle', 'procter & gamble', 'fedex', 'ups',
  'dhl', 'usps', 'boeing', 'airbus', 'lufthansa', 'delta', 'united airlines', 'american airlines', 'ryanair',
  'easyjet', 'british airways', 'air france', 'verizon', 'at&t', 't-mobile', 'comcast', 'vodafone', 'orange',
  'telefónica', 'telefonica', 'deutsche telekom', 'bmw', 'volkswagen', 'mercedes-benz', 'daimler', 'toyota',
  'honda', 'ford', 'general motors', 'renault', 'peugeot', 'stellantis', 'fiat', 'ferrari', 'volvo', 'bosch',
  'basf', 'shell', 'bp', 'exxonmobil', 'chevron', 'totalenergies', 'eni', 'enel', 'iberdrola', 'philips',
  'heineken', 'zara', 'inditex', 'h&m', 'carrefour', 'tesco', 'sainsbury', 'aldi', 'lidl', 'ebay', 'etsy',
  'alibaba', 'tencent', 'baidu', 'huawei', 'xiaomi', 'booking.com', 'expedia', 'marriott', 'hilton', 'hyatt',
  // Public bodies and universities without suffixes
  'irs', 'fbi', 'cia', 'fda', 'cdc', 'nih', 'nasa', 'who', 'unicef', 'un', 'european commission', 'harvard',
  'stanford', 'mit', 'oxford', 'cambridge', 'yale', 'princeton', 'berkeley', 'ucla',
];

/** In the compromise lexicon as organizations, but programs or plain words in our text. */
export const NOT_ORGANIZATIONS = new Set(['medicare', 'medicaid', 'who', 'un', 'target', 'visa', 'square', 'orange', 'delta', 'chase', 'providence', 'progressive', 'nationwide', 'zurich', 'cambridge', 'oxford', 'apple', 'meta', 'ing', 'ups', 'ford', 'shell', 'fiat']);
