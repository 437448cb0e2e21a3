//! `courtside serve --service`: what the Windows service (installed by the .msi) runs. It tells
//! the service manager when Courtside is starting, running and stopped, turns the manager's Stop
//! into Rocket's graceful shutdown, and logs to `logs\courtside.log` in the data folder because a
//! service has no console.

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use windows_service::service::{
    ServiceControl, ServiceControlAccept, ServiceExitCode, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult, ServiceStatusHandle};
use windows_service::{define_windows_service, service_dispatcher};

use crate::config::Loaded;

/// Must equal the ServiceInstall name in packaging/windows/courtside.wxs.
const SERVICE_NAME: &str = "Courtside";
/// A larger log is moved to courtside.log.1 at the next start, so at most two files are kept.
const LOG_ROTATE_BYTES: u64 = 10 * 1024 * 1024;
/// Opening the database may migrate it (after a backup): tell the manager to be patient.
const START_WAIT: Duration = Duration::from_secs(120);

/// The configuration, handed from `run` to the thread the service manager starts.
static LOADED: Mutex<Option<Loaded>> = Mutex::new(None);

define_windows_service!(ffi_service_main, service_main);

pub(super) fn run(loaded: Loaded, level: &str) -> anyhow::Result<ExitCode> {
    let logs = loaded.config.data.join("logs");
    fs::create_dir_all(&logs).with_context(|| format!("cannot create the log folder {}", logs.display()))?;
    let path = logs.join("courtside.log");
    if fs::metadata(&path).is_ok_and(|m| m.len() > LOG_ROTATE_BYTES) {
        // Best effort: if another program holds the old copy open, the log just keeps growing.
        let _ = fs::rename(&path, logs.join("courtside.log.1"));
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot open the log file {}", path.display()))?;
    super::init_logging(level, Mutex::new(file), false);
    *LOADED.lock().unwrap_or_else(PoisonError::into_inner) = Some(loaded);
    service_dispatcher::start(SERVICE_NAME, ffi_service_main).map_err(|e| {
        anyhow::anyhow!(
            "cannot talk to the Windows service manager ({e}). Fix: --service is only for the installed service; run `courtside serve` in a console instead."
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn service_main(_arguments: Vec<OsString>) {
    let Some(loaded) = LOADED.lock().unwrap_or_else(PoisonError::into_inner).take() else { return };
    if let Err(e) = run_service(&loaded) {
        tracing::error!(error = %format!("{e:#}"), "the Windows service could not report its state");
    }
}

fn run_service(loaded: &Loaded) -> windows_service::Result<()> {
    let shutdown: Arc<Mutex<Option<rocket::Shutdown>>> = Arc::default();
    let on_control = {
        let shutdown = shutdown.clone();
        move |control| match control {
            ServiceControl::Stop | ServiceControl::Shutdown => {
                if let Some(handle) = shutdown.lock().unwrap_or_else(PoisonError::into_inner).take() {
                    handle.notify();
                }
                ServiceControlHandlerResult::NoError
            }
            ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
            _ => ServiceControlHandlerResult::NotImplemented,
        }
    };
    let status = service_control_handler::register(SERVICE_NAME, on_control)?;
    report(status, ServiceState::StartPending, ServiceExitCode::Win32(0))?;
    let served = super::serve(loaded, |handle| {
        *shutdown.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
        if let Err(e) = report(status, ServiceState::Running, ServiceExitCode::Win32(0)) {
            tracing::error!(error = %e, "cannot tell the service manager that Courtside is running");
        }
    });
    let exit = match served {
        Ok(_) => ServiceExitCode::Win32(0),
        Err(e) => {
            tracing::error!("courtside: {e:#}");
            ServiceExitCode::ServiceSpecific(1)
        }
    };
    report(status, ServiceState::Stopped, exit)
}

fn report(status: ServiceStatusHandle, state: ServiceState, exit_code: ServiceExitCode) -> windows_service::Result<()> {
    // Stop is accepted only once Rocket's shutdown handle exists, i.e. while running.
    let controls_accepted = if state == ServiceState::Running {
        ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN
    } else {
        ServiceControlAccept::empty()
    };
    status.set_service_status(ServiceStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state: state,
        controls_accepted,
        exit_code,
        checkpoint: 0,
        wait_hint: if state == ServiceState::StartPending { START_WAIT } else { Duration::ZERO },
        process_id: None,
    })
}
