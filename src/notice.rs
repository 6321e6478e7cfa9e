//! Things pconn must tell the operator without failing a call: said once per process on stderr
//! (the server's error log under php-fpm, Apache or a C server) and listed in the statistics
//! (`"notices"` in `pconn_stats_json`), e.g. that links of a DBMS are replaced at request end
//! because their reset cannot be checked.

use parking_lot::Mutex;
use std::io::Write;

static NOTICES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records `message` and writes it to stderr, unless the same message was already said.
pub fn once(message: String) {
    let mut notices = NOTICES.lock();
    if notices.contains(&message) {
        return;
    }
    // Never a panic over a closed or full stderr.
    let _ = writeln!(std::io::stderr(), "pconn: {message}");
    notices.push(message);
}

/// Every notice said so far, oldest first.
pub fn all() -> Vec<String> {
    NOTICES.lock().clone()
}
