//! `steward calendar`: business calendars from the command line, for the
//! set-up a service manager does once (Poland's holidays, an iCalendar
//! file from the company's HR system).

use crate::commands::{app_error, open};
use crate::config::Config;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::path::PathBuf;
use steward_app::{Actor, App, sla::admin::CalendarView};

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// List calendars: id, name, time zone, holidays.
    List,
    /// Add a preset's public holidays to a calendar (presets: poland).
    Preset {
        /// The calendar's id or name.
        calendar: String,
        /// Which holidays: poland.
        preset: String,
    },
    /// Add the holidays of an iCalendar (.ics) file to a calendar.
    Import {
        /// The calendar's id or name.
        calendar: String,
        /// The .ics file.
        file: PathBuf,
    },
}

pub async fn run(cfg: &Config, c: CalendarCommand) -> Result<()> {
    let app = open(cfg).await?;
    let me = Actor::operator();
    match c {
        CalendarCommand::List => {
            for cal in app.list_calendars(&me).await.map_err(app_error)? {
                println!("{}\t{}\t{}\t{} holidays", cal.id, cal.name, cal.spec.time_zone, cal.spec.holidays.len());
            }
        }
        CalendarCommand::Preset { calendar, preset } => {
            let cal = find(&app, &me, &calendar).await?;
            let before = cal.spec.holidays.len();
            let cal = app.add_calendar_preset(&me, cal.id, cal.version, &preset).await.map_err(app_error)?;
            println!(
                "{}: {} holidays added ({} in all)",
                cal.name,
                cal.spec.holidays.len() - before,
                cal.spec.holidays.len()
            );
        }
        CalendarCommand::Import { calendar, file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let cal = find(&app, &me, &calendar).await?;
            let before = cal.spec.holidays.len();
            let cal = app.import_calendar_ical(&me, cal.id, cal.version, &text).await.map_err(app_error)?;
            println!(
                "{}: {} holidays added ({} in all)",
                cal.name,
                cal.spec.holidays.len() - before,
                cal.spec.holidays.len()
            );
        }
    }
    app.store.close().await;
    Ok(())
}

async fn find(app: &App, me: &Actor, key: &str) -> Result<CalendarView> {
    let all = app.list_calendars(me).await.map_err(app_error)?;
    let names: Vec<String> = all.iter().map(|c| format!("{} ({})", c.name, c.id)).collect();
    match all.into_iter().find(|c| c.name == key || c.id.to_string() == key) {
        Some(c) => Ok(c),
        None => bail!("no calendar {key:?}; calendars: {}", names.join(", ")),
    }
}
