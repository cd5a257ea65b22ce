//! Integration tests over a real PostgreSQL: each test gets its own fresh database and its own
//! server on a free port.

mod api;
mod auth;
mod checklist_api;
mod checklists;
mod cli;
mod engine;
mod harness;
mod health;
mod meetings;
mod migrations;
mod notifications;
mod pages;
