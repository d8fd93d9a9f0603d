#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| steward_web::fuzz_entry::ical(data));
