import { writeFileSync } from 'node:fs';
import { PgRecorder } from './pg-recorder.js';

// Loaded with `node --import` into a service process started by a benchmark: records every statement
// the service sends and writes them to BENCH_RECORD_FILE when the benchmark sends SIGUSR2.
const file = process.env.BENCH_RECORD_FILE;
if (file) {
  const recorder = new PgRecorder();
  recorder.start();
  process.on('SIGUSR2', () => {
    writeFileSync(file, JSON.stringify(recorder.stop()));
    process.stdout.write('recorded\n');
  });
}
