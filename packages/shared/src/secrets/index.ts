export { clearSecrets, redact, redacted, registerSecret } from './redact.js';
