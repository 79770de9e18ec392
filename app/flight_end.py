"""After the landing, whatever ended the flight: save what was learned, release the trainer, close the log."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from pathlib import Path

from drone_ssl.errors import DroneDownError, DroneSSLError, SaveError
from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.pilot import Pilot
from drone_ssl_app.exit_signals import ExitSignals, FlightInterrupted


@dataclass
class FlightEnd:
    """What the end of a flight kept: the model (None when it could not be saved), the log's error if the log
    could not be finished, one line per problem for the user, and the files a full disk (or a read-only folder)
    kept from being written, for `unsaved_line`."""

    model_path: Path | None = None
    log_error: DroneSSLError | None = None
    problems: list[str] = field(default_factory=list)
    unsaved: list[SaveError] = field(default_factory=list)


def finish_flight(pilot: Pilot, out: Path, log: FlightLogWriter | None) -> FlightEnd:
    """Save the model (when the trainer can still answer), stop the trainer, close the log with its footer.

    Each step runs even when the one before failed, and each waits at most its timeout; problems become one
    line each, so the reason the flight ended stays the error that is reported."""
    end = FlightEnd()
    try:
        if pilot.learner.stuck:
            end.problems.append("the trainer stopped answering, so the model was not saved")
        elif pilot.learner.backend.alive:
            end.model_path = pilot.learner.save(out)
        else:
            end.problems.append("the trainer died, so the model was not saved")
    except SaveError as exc:  # nothing half-written: the file is absent (or the previous one)
        end.unsaved.append(exc)
    except (DroneSSLError, OSError) as exc:
        end.problems.append(f"the model was not saved: {exc}")
    finally:
        try:
            pilot.close()
        except (DroneSSLError, OSError) as exc:
            end.problems.append(f"stopping the trainer: {exc}")
        finally:
            if log is not None:
                try:
                    log.close()
                except DroneSSLError as exc:  # the summary is still written; the caller reports this
                    end.log_error = exc
    return end


def unsaved_line(unsaved: list[SaveError]) -> str | None:
    """One line naming every file that could not be written, by reason (e.g. 'No space left on device')."""
    if not unsaved:
        return None
    by_reason: dict[str, list[str]] = {}
    for error in unsaved:
        by_reason.setdefault(error.reason, []).append(Path(error.path).name)
    return "; ".join(f"not saved: {', '.join(names)} ({reason})" for reason, names in by_reason.items())


def ending_facts(error: BaseException | None, signals: ExitSignals, pilot: Pilot) -> dict[str, object]:
    """For the summary: what ended the flight and, after a signal, how soon the land command went out."""
    delay = signals.land_delay_s(pilot.landing_started_at)
    facts: dict[str, object] = {"ended_by": ended_by(error, signals)}
    if signals.signum is not None:
        facts["land_command_after_s"] = None if delay is None else round(delay, 4)
    return facts


def ended_by(error: BaseException | None, signals: ExitSignals | None = None) -> str:
    """What ended the flight, for the summary: 'done', the signal's name, 'emergency: ...' for a drone that went
    down by itself, or the error's first line."""
    if error is None:  # a signal during the landing or the report still says who asked to stop
        return "done" if signals is None or signals.signum is None else signal.Signals(signals.signum).name
    if isinstance(error, FlightInterrupted):
        return signal.Signals(error.signum).name
    if isinstance(error, KeyboardInterrupt):
        return "SIGINT"
    if isinstance(error, DroneDownError):
        return f"emergency: {error.reason}"
    return f"error: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
