//! The addresses of the pages, built in one place: handlers redirect to them and templates link
//! with them (`{{ crate::links::item(i.id) }}`), so an object's page that moves changes
//! here and in `routes.rs` only. A part or a sub-page is the object's link and its tail:
//! `links::item(id) + "#evidence"`, `{{ crate::links::project(p.id) }}/edit`.

use std::fmt::Display;

pub fn project(id: impl Display) -> String {
    format!("/projects/{id}")
}

/// A project's investment page: its plan, its monthly reports.
pub fn investment(project: impl Display) -> String {
    format!("/projects/{project}/investment")
}

pub fn item(id: impl Display) -> String {
    format!("/items/{id}")
}

pub fn request(id: impl Display) -> String {
    format!("/requests/{id}")
}

pub fn meeting(id: impl Display) -> String {
    format!("/meetings/{id}")
}

pub fn notice(id: impl Display) -> String {
    format!("/notices/{id}")
}

pub fn unit(code: impl Display) -> String {
    format!("/units/{code}")
}

pub fn webhook(id: impl Display) -> String {
    format!("/webhooks/{id}")
}

pub fn template(id: impl Display) -> String {
    format!("/templates/{id}")
}

pub fn attachment(id: impl Display) -> String {
    format!("/attachments/{id}")
}
