#![allow(dead_code)]

pub mod capi;
pub mod mariadb;
pub mod pg;
pub mod pgbouncer;
pub mod tmp_server;
