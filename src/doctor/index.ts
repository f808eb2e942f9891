// Public surface of src/doctor/: `npm run doctor` (scripts/doctor.ts) runs these checks against a real deployment.
export { runDoctor, type DoctorOptions } from './run-doctor.js';
