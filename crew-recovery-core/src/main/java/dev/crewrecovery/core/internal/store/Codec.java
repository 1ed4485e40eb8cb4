package dev.crewrecovery.core.internal.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.WaitMarker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps the API records to and from the store's JSON documents. Ids are plain strings, instants
 * ISO-8601 strings, durations ISO-8601 durations, enums their names; absent optional values are
 * left out. Every decode validates through the API constructors: any exception they throw makes the
 * document corrupt.
 */
final class Codec {
  private Codec() {}

  // ---------------------------------------------------------------- run.json

  static byte[] encodeRun(StoredRun run) {
    RunSnapshot s = run.snapshot();
    ObjectNode doc = Json.document();
    doc.put("runId", s.runId().value());
    doc.put("version", s.version());
    doc.put("lastSeq", run.lastSeq());
    doc.set("manifest", manifest(s.manifest()));
    ArrayNode tasks = doc.putArray("tasks");
    for (TaskState t : s.tasks()) {
      tasks.add(task(t));
    }
    ObjectNode outbox = doc.putObject("outbox");
    ArrayNode events = outbox.putArray("events");
    for (RunEvent e : run.outboxEvents()) {
      events.add(eventBody(e));
    }
    ArrayNode dls = outbox.putArray("deadletters");
    for (DeadletterEntry e : run.outboxDeadletters()) {
      dls.add(deadletterBody(e));
    }
    return Json.pretty(doc);
  }

  /**
   * Decodes a run.json.
   *
   * @param expected the run the file belongs to (its directory name)
   */
  static StoredRun decodeRun(byte[] bytes, RunId expected)
      throws BadContentException, NewerSchemaException {
    ObjectNode doc = Json.parseObject(bytes, 0, bytes.length);
    Json.checkSchema(doc);
    try {
      Obj o = Obj.of(doc, "");
      o.lng(Json.SCHEMA_FIELD);
      RunId runId = new RunId(o.str("runId"));
      if (!runId.equals(expected)) {
        throw new BadContentException(
            "names run " + runId + " but lies in the directory of run " + expected);
      }
      long version = o.lng("version");
      long lastSeq = o.lng("lastSeq");
      if (lastSeq < 0) {
        throw new BadContentException("lastSeq is negative: " + lastSeq);
      }
      Manifest m = manifest(o.obj("manifest"));
      if (!m.runId().equals(runId)) {
        throw new BadContentException("manifest.runId " + m.runId() + " differs from " + runId);
      }
      List<TaskState> tasks = new ArrayList<>();
      for (Obj t : o.objects("tasks")) {
        tasks.add(task(t));
      }
      Obj outbox = o.obj("outbox");
      List<RunEvent> events = new ArrayList<>();
      long previous = 0;
      for (Obj e : outbox.objects("events")) {
        RunEvent ev = eventBody(e, runId);
        if (ev.seq() <= previous || ev.seq() > lastSeq) {
          throw new BadContentException(
              "outbox event seq " + ev.seq() + " is out of order or above lastSeq " + lastSeq);
        }
        previous = ev.seq();
        events.add(ev);
      }
      List<DeadletterEntry> dls = new ArrayList<>();
      for (Obj e : outbox.objects("deadletters")) {
        dls.add(deadletterBody(e));
      }
      outbox.end();
      o.end();
      return new StoredRun(new RunSnapshot(version, m, tasks), lastSeq, events, dls);
    } catch (RuntimeException e) {
      throw new BadContentException("fails validation: " + e.getMessage(), e);
    }
  }

  private static ObjectNode manifest(Manifest m) {
    ObjectNode n = Json.object();
    n.put("runId", m.runId().value());
    n.put("status", m.status().name());
    if (m.owner() != null) {
      ObjectNode o = n.putObject("owner");
      o.put("session", m.owner().session().value());
      o.put("incarnation", m.owner().incarnation());
    }
    n.put("epoch", m.epoch());
    n.put("createdAt", m.createdAt().toString());
    n.put("updatedAt", m.updatedAt().toString());
    if (m.runner() != null) {
      n.set("runner", processRef(m.runner()));
    }
    putOpt(n, "runnerVouchedBy", m.runnerVouchedBy() == null ? null : m.runnerVouchedBy().value());
    putOpt(n, "runnerLogPath", m.runnerLogPath());
    if (m.approval() != null) {
      ObjectNode a = n.putObject("approval");
      a.put("askedAt", m.approval().askedAt().toString());
      a.put("state", m.approval().state().name());
    }
    ArrayNode history = n.putArray("resumeHistory");
    for (ResumeRecord r : m.resumeHistory()) {
      ObjectNode h = history.addObject();
      h.put("instant", r.instant().toString());
      h.put("session", r.session().value());
      h.put("incarnation", r.incarnation());
      h.put("epoch", r.epoch());
    }
    putOpt(n, "summary", m.summary());
    n.set("attributes", strings(m.attributes()));
    return n;
  }

  private static Manifest manifest(Obj o) throws BadContentException {
    RunId runId = new RunId(o.str("runId"));
    RunStatus status = o.enumValue("status", RunStatus.class);
    Obj ow = o.optObj("owner");
    Owner owner = null;
    if (ow != null) {
      owner = new Owner(new SessionId(ow.str("session")), ow.lng("incarnation"));
      ow.end();
    }
    long epoch = o.lng("epoch");
    Instant createdAt = o.instant("createdAt");
    Instant updatedAt = o.instant("updatedAt");
    Obj r = o.optObj("runner");
    ProcessRef runner = r == null ? null : processRef(r);
    String vouched = o.optStr("runnerVouchedBy");
    String logPath = o.optStr("runnerLogPath");
    Obj ap = o.optObj("approval");
    ApprovalMarker approval = null;
    if (ap != null) {
      approval =
          new ApprovalMarker(ap.instant("askedAt"), ap.enumValue("state", ApprovalState.class));
      ap.end();
    }
    List<ResumeRecord> history = new ArrayList<>();
    for (Obj h : o.objects("resumeHistory")) {
      history.add(
          new ResumeRecord(
              h.instant("instant"),
              new SessionId(h.str("session")),
              h.lng("incarnation"),
              h.lng("epoch")));
      h.end();
    }
    String summary = o.optStr("summary");
    Map<String, String> attributes = o.strings("attributes");
    o.end();
    return new Manifest(
        runId,
        status,
        owner,
        epoch,
        createdAt,
        updatedAt,
        runner,
        vouched == null ? null : new SessionId(vouched),
        logPath,
        approval,
        history,
        summary,
        attributes);
  }

  private static ObjectNode task(TaskState t) {
    ObjectNode n = Json.object();
    n.put("id", t.id().value());
    n.put("status", t.status().name());
    ArrayNode attempts = n.putArray("attempts");
    for (Attempt a : t.attempts()) {
      attempts.add(attempt(a));
    }
    n.put("attemptCurrent", t.attemptCurrent());
    if (t.waitMarker() != null) {
      ObjectNode w = n.putObject("waitMarker");
      w.put("askedAt", t.waitMarker().askedAt().toString());
      putOpt(w, "deadline", t.waitMarker().deadline());
      w.put("question", t.waitMarker().question());
    }
    putOpt(n, "notBefore", t.notBefore());
    putOpt(n, "lastSeenAt", t.lastSeenAt());
    putOpt(n, "lastActivityAt", t.lastActivityAt());
    return n;
  }

  private static TaskState task(Obj o) throws BadContentException {
    TaskId id = new TaskId(o.str("id"));
    TaskStatus status = o.enumValue("status", TaskStatus.class);
    List<Attempt> attempts = new ArrayList<>();
    for (Obj a : o.objects("attempts")) {
      attempts.add(attempt(a));
    }
    boolean current = o.bool("attemptCurrent");
    Obj w = o.optObj("waitMarker");
    WaitMarker wait = null;
    if (w != null) {
      wait = new WaitMarker(w.instant("askedAt"), w.optInstant("deadline"), w.str("question"));
      w.end();
    }
    Instant notBefore = o.optInstant("notBefore");
    Instant lastSeenAt = o.optInstant("lastSeenAt");
    Instant lastActivityAt = o.optInstant("lastActivityAt");
    o.end();
    return new TaskState(
        id, status, attempts, current, wait, notBefore, lastSeenAt, lastActivityAt);
  }

  private static ObjectNode attempt(Attempt a) {
    ObjectNode n = Json.object();
    n.put("id", a.id().toString());
    n.put("startedAt", a.startedAt().toString());
    if (a.worker() != null) {
      n.set("worker", processRef(a.worker()));
    }
    putOpt(n, "vouchedBy", a.vouchedBy() == null ? null : a.vouchedBy().value());
    putOpt(n, "logPath", a.logPath());
    if (a.result() != null) {
      ObjectNode r = n.putObject("result");
      r.put("reference", a.result().reference());
      r.put("recordedAt", a.result().recordedAt().toString());
    }
    if (a.failure() != null) {
      Failure f = a.failure();
      ObjectNode fn = n.putObject("failure");
      fn.put("code", f.code());
      fn.put("message", f.message());
      putOpt(fn, "exitClass", f.exitClass() == null ? null : f.exitClass().name());
      putOpt(fn, "verdict", f.verdict() == null ? null : f.verdict().name());
      putOpt(fn, "heartbeatAge", f.heartbeatAge() == null ? null : f.heartbeatAge().toString());
      putOpt(fn, "logTail", f.logTail());
      fn.put("at", f.at().toString());
    }
    putOpt(n, "endedAt", a.endedAt());
    n.put("forced", a.forced());
    return n;
  }

  private static Attempt attempt(Obj o) throws BadContentException {
    AttemptId id = AttemptId.parse(o.str("id"));
    Instant startedAt = o.instant("startedAt");
    Obj w = o.optObj("worker");
    ProcessRef worker = w == null ? null : processRef(w);
    String vouched = o.optStr("vouchedBy");
    String logPath = o.optStr("logPath");
    Obj r = o.optObj("result");
    TaskResult result = null;
    if (r != null) {
      result = new TaskResult(r.str("reference"), r.instant("recordedAt"));
      r.end();
    }
    Obj f = o.optObj("failure");
    Failure failure = null;
    if (f != null) {
      failure =
          new Failure(
              f.str("code"),
              f.str("message"),
              f.optEnum("exitClass", ExitClass.class),
              f.optEnum("verdict", VerdictKind.class),
              f.optDuration("heartbeatAge"),
              f.optStr("logTail"),
              f.instant("at"));
      f.end();
    }
    Instant endedAt = o.optInstant("endedAt");
    boolean forced = o.bool("forced");
    o.end();
    return new Attempt(
        id,
        startedAt,
        worker,
        vouched == null ? null : new SessionId(vouched),
        logPath,
        result,
        failure,
        endedAt,
        forced);
  }

  private static ObjectNode processRef(ProcessRef p) {
    ObjectNode n = Json.object();
    n.put("pid", p.pid());
    n.put("host", p.host());
    putOpt(n, "bootId", p.bootId());
    if (p.startTicks() != null) {
      n.put("startTicks", p.startTicks().longValue());
    }
    putOpt(n, "startInstant", p.startInstant());
    return n;
  }

  private static ProcessRef processRef(Obj o) throws BadContentException {
    ProcessRef p =
        new ProcessRef(
            o.lng("pid"),
            o.str("host"),
            o.optStr("bootId"),
            o.optLng("startTicks"),
            o.optInstant("startInstant"));
    o.end();
    return p;
  }

  // ---------------------------------------------------------------- events.jsonl

  /** One line of events.jsonl, newline included. */
  static byte[] eventLine(RunEvent e) {
    ObjectNode n = Json.document();
    n.setAll(eventBody(e));
    return Json.line(n);
  }

  static RunEvent decodeEventLine(byte[] bytes, int offset, int length, RunId runId)
      throws BadContentException, NewerSchemaException {
    ObjectNode doc = Json.parseObject(bytes, offset, length);
    Json.checkSchema(doc);
    try {
      Obj o = Obj.of(doc, "");
      o.lng(Json.SCHEMA_FIELD);
      return eventBody(o, runId);
    } catch (RuntimeException e) {
      throw new BadContentException("fails validation: " + e.getMessage(), e);
    }
  }

  private static ObjectNode eventBody(RunEvent e) {
    ObjectNode n = Json.object();
    n.put("seq", e.seq());
    n.put("type", e.type());
    n.put("at", e.at().toString());
    n.set("data", strings(e.data()));
    return n;
  }

  private static RunEvent eventBody(Obj o, RunId runId) throws BadContentException {
    RunEvent e =
        new RunEvent(runId, o.lng("seq"), o.str("type"), o.instant("at"), o.strings("data"));
    o.end();
    return e;
  }

  // ---------------------------------------------------------------- deadletter/entries.jsonl

  /** A decoded line of the deadletter file: an entry or a mark. */
  record DeadletterLine(@Nullable DeadletterEntry entry, @Nullable DeadletterMark mark) {}

  static byte[] deadletterLine(DeadletterEntry e) {
    ObjectNode n = Json.document();
    n.put("record", "entry");
    n.setAll(deadletterBody(e));
    return Json.line(n);
  }

  static byte[] markLine(DeadletterMark m) {
    ObjectNode n = Json.document();
    n.put("record", "mark");
    n.put("entry", m.entry().value());
    n.put("kind", m.kind().name());
    n.put("at", m.at().toString());
    n.put("note", m.note());
    return Json.line(n);
  }

  static DeadletterLine decodeDeadletterLine(byte[] bytes, int offset, int length)
      throws BadContentException, NewerSchemaException {
    ObjectNode doc = Json.parseObject(bytes, offset, length);
    Json.checkSchema(doc);
    try {
      Obj o = Obj.of(doc, "");
      o.lng(Json.SCHEMA_FIELD);
      String record = o.str("record");
      switch (record) {
        case "entry" -> {
          return new DeadletterLine(deadletterBody(o), null);
        }
        case "mark" -> {
          DeadletterMark m =
              new DeadletterMark(
                  new DeadletterId(o.str("entry")),
                  o.enumValue("kind", DeadletterMark.Kind.class),
                  o.instant("at"),
                  o.str("note"));
          o.end();
          return new DeadletterLine(null, m);
        }
        default ->
            throw new BadContentException("record must be \"entry\" or \"mark\", was " + record);
      }
    } catch (RuntimeException e) {
      throw new BadContentException("fails validation: " + e.getMessage(), e);
    }
  }

  private static ObjectNode deadletterBody(DeadletterEntry e) {
    ObjectNode n = Json.object();
    n.put("id", e.id().value());
    n.put("runId", e.runId().value());
    putOpt(n, "taskId", e.taskId() == null ? null : e.taskId().value());
    putOpt(n, "attemptId", e.attemptId() == null ? null : e.attemptId().toString());
    putOpt(n, "deliveryId", e.deliveryId() == null ? null : e.deliveryId().value());
    n.put("reason", e.reason().name());
    n.put("attempts", e.attempts());
    putOpt(n, "lastError", e.lastError());
    n.put("at", e.at().toString());
    n.put("epoch", e.epoch());
    return n;
  }

  private static DeadletterEntry deadletterBody(Obj o) throws BadContentException {
    String task = o.optStr("taskId");
    String attempt = o.optStr("attemptId");
    String delivery = o.optStr("deliveryId");
    DeadletterEntry e =
        new DeadletterEntry(
            new DeadletterId(o.str("id")),
            new RunId(o.str("runId")),
            task == null ? null : new TaskId(task),
            attempt == null ? null : AttemptId.parse(attempt),
            delivery == null ? null : new DeliveryId(delivery),
            o.enumValue("reason", DeadletterReason.class),
            o.integer("attempts"),
            o.optStr("lastError"),
            o.instant("at"),
            o.lng("epoch"));
    o.end();
    return e;
  }

  // ---------------------------------------------------------------- sessions/<id>.json

  static byte[] encodeLease(Lease l) {
    ObjectNode n = Json.document();
    n.put("session", l.session().value());
    n.put("incarnation", l.incarnation());
    n.put("acquiredAt", l.acquiredAt().toString());
    n.put("renewedAt", l.renewedAt().toString());
    n.put("released", l.released());
    return Json.pretty(n);
  }

  static Lease decodeLease(byte[] bytes, SessionId expected)
      throws BadContentException, NewerSchemaException {
    ObjectNode doc = Json.parseObject(bytes, 0, bytes.length);
    Json.checkSchema(doc);
    try {
      Obj o = Obj.of(doc, "");
      o.lng(Json.SCHEMA_FIELD);
      Lease l =
          new Lease(
              new SessionId(o.str("session")),
              o.lng("incarnation"),
              o.instant("acquiredAt"),
              o.instant("renewedAt"),
              o.bool("released"));
      o.end();
      if (!l.session().equals(expected)) {
        throw new BadContentException(
            "names session " + l.session() + " but is the file of session " + expected);
      }
      return l;
    } catch (RuntimeException e) {
      throw new BadContentException("fails validation: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- deliveries

  /** A pending delivery with the order in which it was first enqueued. */
  record PendingDelivery(long seq, Delivery delivery) {}

  static byte[] encodeDelivery(PendingDelivery p) {
    Delivery d = p.delivery();
    ObjectNode n = Json.document();
    n.put("seq", p.seq());
    n.put("id", d.id().value());
    n.put("kind", d.kind().name());
    n.put("runId", d.runId().value());
    putOpt(n, "owner", d.owner() == null ? null : d.owner().value());
    n.put("payload", d.payload());
    n.put("createdAt", d.createdAt().toString());
    n.put("generation", d.generation());
    n.put("failedAttempts", d.failedAttempts());
    return Json.pretty(n);
  }

  static PendingDelivery decodeDelivery(byte[] bytes, DeliveryId expected)
      throws BadContentException, NewerSchemaException {
    ObjectNode doc = Json.parseObject(bytes, 0, bytes.length);
    Json.checkSchema(doc);
    try {
      Obj o = Obj.of(doc, "");
      o.lng(Json.SCHEMA_FIELD);
      long seq = o.lng("seq");
      String owner = o.optStr("owner");
      Delivery d =
          new Delivery(
              new DeliveryId(o.str("id")),
              o.enumValue("kind", DeliveryKind.class),
              new RunId(o.str("runId")),
              owner == null ? null : new SessionId(owner),
              o.str("payload"),
              o.instant("createdAt"),
              o.lng("generation"),
              o.integer("failedAttempts"));
      o.end();
      if (!d.id().equals(expected)) {
        throw new BadContentException(
            "names delivery " + d.id() + " but is the file of delivery " + expected);
      }
      return new PendingDelivery(seq, d);
    } catch (RuntimeException e) {
      throw new BadContentException("fails validation: " + e.getMessage(), e);
    }
  }

  /** A line of delivered.jsonl. */
  record Delivered(DeliveryId id, Instant at) {}

  static byte[] deliveredLine(DeliveryId id, Instant at) {
    ObjectNode n = Json.document();
    n.put("id", id.value());
    n.put("at", at.toString());
    return Json.line(n);
  }

  static Delivered decodeDeliveredLine(byte[] bytes, int offset, int length)
      throws BadContentException, NewerSchemaException {
    ObjectNode doc = Json.parseObject(bytes, offset, length);
    Json.checkSchema(doc);
    try {
      Obj o = Obj.of(doc, "");
      o.lng(Json.SCHEMA_FIELD);
      Delivered d = new Delivered(new DeliveryId(o.str("id")), o.instant("at"));
      o.end();
      return d;
    } catch (RuntimeException e) {
      throw new BadContentException("fails validation: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- small documents

  /** A single-number document (outbox marker version, delivery sequence counter). */
  static byte[] encodeNumber(String field, long value) {
    ObjectNode n = Json.document();
    n.put(field, value);
    return Json.line(n);
  }

  static long decodeNumber(byte[] bytes, String field)
      throws BadContentException, NewerSchemaException {
    ObjectNode doc = Json.parseObject(bytes, 0, bytes.length);
    Json.checkSchema(doc);
    Obj o = Obj.of(doc, "");
    o.lng(Json.SCHEMA_FIELD);
    long v = o.lng(field);
    o.end();
    return v;
  }

  static byte[] encodeTombstone(String quarantinedTo) {
    ObjectNode n = Json.document();
    n.put("quarantinedTo", quarantinedTo);
    return Json.pretty(n);
  }

  static String decodeTombstone(byte[] bytes) throws BadContentException, NewerSchemaException {
    ObjectNode doc = Json.parseObject(bytes, 0, bytes.length);
    Json.checkSchema(doc);
    Obj o = Obj.of(doc, "");
    o.lng(Json.SCHEMA_FIELD);
    String v = o.str("quarantinedTo");
    o.end();
    return v;
  }

  // ---------------------------------------------------------------- helpers

  private static ObjectNode strings(Map<String, String> map) {
    ObjectNode n = Json.object();
    for (Map.Entry<String, String> e : map.entrySet()) {
      n.put(e.getKey(), e.getValue());
    }
    return n;
  }

  private static void putOpt(ObjectNode n, String field, @Nullable Object value) {
    if (value != null) {
      n.put(field, value.toString());
    }
  }
}
