//! Scheduled jobs. The scheduler only decides when; each job body is one call that tests can
//! make directly with a fixed clock.

use jiff::SignedDuration;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::App;
use crate::db::backup::{self, Schedule};
use crate::desk::retention;

/// Takes tonight's backup if it is due and prunes old ones. Runs every quarter hour, so a
/// server that was off at the backup hour catches up soon after it starts.
pub async fn nightly_backup(app: &App) -> anyhow::Result<()> {
    let club = app.club().await?;
    let tz = jiff::tz::TimeZone::get(&club.time_zone)?;
    let dir = app.config.backup_dir();
    let b = &app.config.backup;
    let schedule = Schedule { hour: b.hour, keep_daily: b.keep_daily, keep_weekly: b.keep_weekly };
    let now = app.now();
    if let Some(file) = app.db.read(move |c| backup::nightly_if_due(c, &dir, now, &tz, schedule)).await? {
        tracing::info!(file = %file.display(), "nightly backup written");
    }
    Ok(())
}

/// Deletes sessions past their idle or absolute limit.
pub async fn expire_sessions(app: &App) -> anyhow::Result<()> {
    let now = app.now();
    let idle_before = now - SignedDuration::from_mins(app.config.session.idle_minutes);
    let created_before = now - SignedDuration::from_hours(app.config.session.max_hours);
    let removed =
        app.db.write(move |c| Ok(crate::auth::store::delete_expired_sessions(c, idle_before, created_before)?)).await?;
    let (idle, max) = (crate::portal::model::SESSION_IDLE, crate::portal::model::SESSION_MAX);
    let players =
        app.db.write(move |c| Ok(crate::portal::store::delete_expired_sessions(c, now - idle, now - max)?)).await?;
    if removed + players > 0 {
        tracing::debug!(removed, "expired sessions removed");
    }
    Ok(())
}

/// Waiting-list offers whose hold ran out lapse, and their time goes to the next in line. A
/// command only when there is one to lapse: an idle club's log gains nothing every minute.
pub async fn lapse_offers(app: &App) -> anyhow::Result<()> {
    let now = app.now();
    if app.db.read(move |c| Ok(crate::waitlist::store::lapsed_offers(c, now)?.is_empty())).await? {
        return Ok(());
    }
    let cmd = crate::commands::AnyCommand::LapseWaitlistOffers(crate::waitlist::commands::LapseWaitlistOffers {});
    app.run(crate::core::Actor::System, cmd).await?;
    Ok(())
}

/// Trims the change log to what desks and open pages still need (desk/retention.rs), a batch per
/// write so that commands are not kept waiting behind a long first run.
pub async fn trim_log(app: &App) -> anyhow::Result<()> {
    let now = app.now();
    let target = app.db.read(move |c| retention::allowed_floor(c, now, retention::KEEP_DAYS)).await?;
    let (mut txns, mut rows) = (0, 0);
    while let Some(batch) = app.db.write(move |c| retention::trim_batch(c, target)).await? {
        (txns, rows) = (txns + batch.txns, rows + batch.rows);
    }
    if txns > 0 {
        tracing::info!(floor = target, transactions = txns, rows, "change log trimmed");
    }
    Ok(())
}

/// Every few seconds, brings the feed up to the database: commits this server makes tell it at
/// once, but another process (the console, a restore) does not.
fn follow_other_writers(app: App) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        loop {
            tick.tick().await;
            let feed = app.feed.clone();
            if let Err(e) = app.db.read(move |c| Ok(feed.catch_up(c)?)).await {
                tracing::warn!(error = %format!("{e:#}"), "cannot read the head of the log");
            }
        }
    });
}

fn log_failure(job: &str, result: anyhow::Result<()>) {
    if let Err(e) = result {
        tracing::error!(job, error = %format!("{e:#}"), "scheduled job failed");
    }
}

/// Hub and desk alike: sessions past their limits go every hour.
async fn add_session_expiry(scheduler: &JobScheduler, app: &App) -> anyhow::Result<()> {
    let a = app.clone();
    scheduler
        .add(Job::new_async("0 7 * * * *", move |_, _| {
            let app = a.clone();
            Box::pin(async move { log_failure("expire_sessions", expire_sessions(&app).await) })
        })?)
        .await?;
    Ok(())
}

/// Hub and desk alike: the change log is trimmed every night (03:23 UTC).
async fn add_log_trim(scheduler: &JobScheduler, app: &App) -> anyhow::Result<()> {
    let a = app.clone();
    scheduler
        .add(Job::new_async("0 23 3 * * *", move |_, _| {
            let app = a.clone();
            Box::pin(async move { log_failure("trim_log", trim_log(&app).await) })
        })?)
        .await?;
    Ok(())
}

/// A desk's jobs: its sessions expire, its log is trimmed and its pages follow the replica; the club's own jobs
/// (backups, SMS) are the hub's.
pub async fn start_desk(app: App) -> anyhow::Result<JobScheduler> {
    let scheduler = JobScheduler::new().await?;
    add_session_expiry(&scheduler, &app).await?;
    add_log_trim(&scheduler, &app).await?;
    follow_other_writers(app);
    crate::memory::spawn_giving_back();
    scheduler.start().await?;
    Ok(scheduler)
}

/// Registers every job and starts the scheduler.
pub async fn start(app: App) -> anyhow::Result<JobScheduler> {
    let scheduler = JobScheduler::new().await?;
    let a = app.clone();
    scheduler
        .add(Job::new_async("0 */15 * * * *", move |_, _| {
            let app = a.clone();
            Box::pin(async move { log_failure("nightly_backup", nightly_backup(&app).await) })
        })?)
        .await?;
    add_session_expiry(&scheduler, &app).await?;
    add_log_trim(&scheduler, &app).await?;
    let a = app.clone();
    let poll_schedule = app.config.sms.poll_schedule.clone();
    scheduler
        .add(Job::new_async(poll_schedule.as_str(), move |_, _| {
            let app = a.clone();
            Box::pin(async move { log_failure("sms_poll", crate::sms::poller::poll_due(&app).await.map(|_| ())) })
        })?)
        .await?;
    let a = app.clone();
    scheduler
        .add(Job::new_async("30 * * * * *", move |_, _| {
            let app = a.clone();
            Box::pin(async move { log_failure("lapse_offers", lapse_offers(&app).await) })
        })?)
        .await?;
    follow_other_writers(app.clone());
    crate::memory::spawn_giving_back();
    crate::sms::sender::spawn(app);
    scheduler.start().await?;
    Ok(scheduler)
}
