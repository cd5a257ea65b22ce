//! Integration tests over a real PostgreSQL: each test gets its own fresh database and its own
//! server on a free port.

mod adjustments;
mod api;
mod auth;
mod authz;
mod browser;
mod checklist_api;
mod checklists;
mod cli;
mod cluster;
mod contract;
mod engine;
mod every_page;
mod evidence;
mod faults;
mod hardening;
mod harness;
mod health;
mod imports;
mod investment;
mod investors;
mod journeys;
mod kept_pages;
mod layers;
mod meetings;
mod migrations;
mod notifications;
mod pages;
mod public;
mod resubmits;
mod run_views;
mod security;
mod sheet_bounds;
mod sheets;
mod templates;
