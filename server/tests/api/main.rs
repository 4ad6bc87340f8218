//! Integration tests: each test starts the real `berth` binary on a random port with
//! its own temporary data directory and talks to it over HTTP.

mod bad_input;
mod cleanup;
mod clients;
mod console_pages;
mod csrf;
mod faults;
mod first_start;
mod fixtures;
mod gc;
mod helpers;
mod immutability;
mod in_process;
mod keyset_pages;
mod oci_auth;
mod oci_conformance;
mod oci_helpers;
mod ops;
mod permission_matrix;
mod query_counts;
mod races;
mod refused_changes;
mod security;
mod sessions;
mod sign_in;
mod tenancy;
mod throttling;
mod usage;
