pub mod logo;
pub mod notice;
pub mod shell;
