//! Helpers shared by the integration tests. Each test binary compiles this module and uses the
//! part it needs; the rest is dead code there.
#![allow(dead_code)]

pub mod c_str;
pub mod calls;
pub mod capi;
pub mod checkout;
pub mod mariadb;
pub mod pg;
pub mod pgbouncer;
pub mod serial;
pub mod stats;
pub mod tmp_server;
