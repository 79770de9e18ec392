"""After the landing, whatever ended the flight: save what was learned, release the trainer, close the log."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from pathlib import Path

from app.exit_signals import ExitSignals, FlightInterrupted
from drone_ssl.errors import DroneDownError, DroneSSLError
from drone_ssl.flightlog import FlightLogWriter
from drone_ssl.pilot import Pilot


@dataclass
class FlightEnd:
    """What the end of a flight kept: the model (None when it could not be saved), the log's error if the log
    could not be finished, and one line per problem for the user."""

    model_path: Path | None = None
    log_error: DroneSSLError | None = None
    problems: list[str] = field(default_factory=list)


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
