//! The county's settings.

pub struct Settings {
    pub settings_title: &'static str,
    /// Labels of the settings form, in the order of `web::settings::FIELDS`.
    pub settings_fields: [&'static str; crate::db::settings::FIELDS.len()],
    pub settings_working_days: &'static str,
    pub settings_working_days_hint: &'static str,
}
