import type { Recognizer } from '../types';
import { abaRoutingRecognizer } from './aba-routing';
import { ageRecognizer } from './age';
import { apiKeyRecognizer } from './api-key';
import { creditCardRecognizer } from './credit-card';
import { cryptoWalletRecognizer } from './crypto-wallet';
import { dateTimeRecognizer } from './date-time';
import { emailRecognizer } from './email';
import { healthPlanIdRecognizer } from './health-plan-id';
import { ibanRecognizer } from './iban';
import { icd10CodeRecognizer } from './icd10-code';
import { ipAddressRecognizer } from './ip-address';
import { macAddressRecognizer } from './mac-address';
import { labelledLocationRecognizer } from './labelled-location';
import { medicalLicenseRecognizer } from './medical-license';
import { medicalRecordNumberRecognizer } from './medical-record-number';
import { orgDescriptorRecognizer } from './org-descriptor';
import { phoneNumberRecognizer } from './phone-number';
import { streetAddressRecognizer } from './street-address';
import { urlRecognizer } from './url';
import { usBankNumberRecognizer } from './us-bank-number';
import { usDeaRecognizer } from './us-dea';
import { usDriverLicenseRecognizer } from './us-driver-license';
import { usItinRecognizer } from './us-itin';
import { usNpiRecognizer } from './us-npi';
import { usPassportRecognizer } from './us-passport';
import { usernameRecognizer } from './username';
import { usSsnRecognizer } from './us-ssn';
import { vinRecognizer } from './vin';
import { zipCodeRecognizer } from './zip-code';

/** Every built-in pattern recognizer (the NLP recognizer is added by the engine). */
export const PATTERN_RECOGNIZERS: readonly Recognizer[] = [
  emailRecognizer,
  urlRecognizer,
  phoneNumberRecognizer,
  usSsnRecognizer,
  usItinRecognizer,
  creditCardRecognizer,
  ibanRecognizer,
  usBankNumberRecognizer,
  abaRoutingRecognizer,
  ipAddressRecognizer,
  macAddressRecognizer,
  dateTimeRecognizer,
  streetAddressRecognizer,
  zipCodeRecognizer,
  usDriverLicenseRecognizer,
  usPassportRecognizer,
  medicalRecordNumberRecognizer,
  usNpiRecognizer,
  usDeaRecognizer,
  healthPlanIdRecognizer,
  medicalLicenseRecognizer,
  icd10CodeRecognizer,
  ageRecognizer,
  cryptoWalletRecognizer,
  vinRecognizer,
  apiKeyRecognizer,
  usernameRecognizer,
  orgDescriptorRecognizer,
  labelledLocationRecognizer,
];
