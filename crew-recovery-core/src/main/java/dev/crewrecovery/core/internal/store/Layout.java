package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import java.nio.file.Path;
import java.util.List;

/**
 * The paths of a store (DESIGN section 12). Path components come only from the validated id types
 * of the API ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}, no {@code ..}), never from raw strings, and
 * each is checked once more to be a single plain name.
 *
 * <pre>
 * runs/&lt;runId&gt;/run.json, heartbeats.bin, events.jsonl, .lock, run.json.quarantined
 * active/&lt;runId&gt;           outbox/&lt;runId&gt;
 * deadletter/entries.jsonl, .lock
 * deliveries/&lt;deliveryId&gt;.json, delivered.jsonl, .sequence, .lock
 * sessions/&lt;sessionId&gt;.json, &lt;sessionId&gt;.lock
 * reports/   quarantine/
 * </pre>
 */
final class Layout {
  static final String RUN_JSON = "run.json";
  static final String HEARTBEATS = "heartbeats.bin";
  static final String EVENTS = "events.jsonl";
  static final String LOCK = ".lock";
  static final String TOMBSTONE = "run.json.quarantined";

  final Path root;
  final Path runs;
  final Path active;
  final Path outbox;
  final Path deadletter;
  final Path deliveries;
  final Path sessions;
  final Path reports;
  final Path quarantine;

  Layout(Path root) {
    this.root = root;
    this.runs = root.resolve("runs");
    this.active = root.resolve("active");
    this.outbox = root.resolve("outbox");
    this.deadletter = root.resolve("deadletter");
    this.deliveries = root.resolve("deliveries");
    this.sessions = root.resolve("sessions");
    this.reports = root.resolve("reports");
    this.quarantine = root.resolve("quarantine");
  }

  List<Path> directories() {
    return List.of(runs, active, outbox, deadletter, deliveries, sessions, reports, quarantine);
  }

  private static Path child(Path dir, String name) {
    // The id types already guarantee this; a second check costs nothing. A name may contain ".."
    // inside ("a." + ".json" is "a..json", one plain component); "." and ".." start with a dot.
    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.charAt(0) == '.') {
      throw new IllegalArgumentException("not a plain file name: " + name);
    }
    Path p = dir.resolve(name);
    if (!dir.equals(p.getParent())) {
      throw new IllegalArgumentException("not a plain file name: " + name);
    }
    return p;
  }

  Path runDir(RunId id) {
    return child(runs, id.value());
  }

  Path runJson(RunId id) {
    return runDir(id).resolve(RUN_JSON);
  }

  Path tombstone(RunId id) {
    return runDir(id).resolve(TOMBSTONE);
  }

  Path heartbeats(RunId id) {
    return runDir(id).resolve(HEARTBEATS);
  }

  Path events(RunId id) {
    return runDir(id).resolve(EVENTS);
  }

  Path runLock(RunId id) {
    return runDir(id).resolve(LOCK);
  }

  Path activeMarker(RunId id) {
    return child(active, id.value());
  }

  Path outboxMarker(RunId id) {
    return child(outbox, id.value());
  }

  Path session(SessionId id) {
    return child(sessions, id.value() + ".json");
  }

  Path sessionLock(SessionId id) {
    return child(sessions, id.value() + ".lock");
  }

  Path delivery(DeliveryId id) {
    return child(deliveries, id.value() + ".json");
  }

  Path deliveredLog() {
    return deliveries.resolve("delivered.jsonl");
  }

  Path deliverySequence() {
    return deliveries.resolve(".sequence");
  }

  Path deliveriesLock() {
    return deliveries.resolve(LOCK);
  }

  Path deadletterLog() {
    return deadletter.resolve("entries.jsonl");
  }

  Path deadletterLock() {
    return deadletter.resolve(LOCK);
  }
}
