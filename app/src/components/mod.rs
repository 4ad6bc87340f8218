pub mod logo;
pub mod menu;
pub mod notice;
pub mod shell;
pub mod workspace;
