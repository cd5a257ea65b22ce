//! Zhuanban (项目专班): task forces for county key industrial projects.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod links;
pub mod routes;
pub mod server;
pub mod telemetry;
pub mod web;
