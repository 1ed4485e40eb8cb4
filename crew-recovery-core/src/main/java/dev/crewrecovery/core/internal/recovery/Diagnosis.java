package dev.crewrecovery.core.internal.recovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.internal.decide.DecisionPolicy;
import dev.crewrecovery.core.internal.decide.TaskObservation;
import dev.crewrecovery.core.internal.decide.TimeState;
import dev.crewrecovery.core.internal.decide.Verdict;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Builds the JSON document of a DIAGNOSE report ({@link dev.crewrecovery.core.DiagnosisReport}):
 * pure, from evidence gathered by the caller outside any exclusion. Records are rendered component
 * by component, ids and instants as strings, so the document needs no class of this library to be
 * read.
 */
public final class Diagnosis {
  /** The value of the document's {@code format} key. */
  public static final String FORMAT = "crew-recovery.diagnosis/1";

  /** How many of the run's last events a report holds. */
  public static final int LAST_EVENTS = 200;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Everything a report holds.
   *
   * @param snapshot the snapshot judged
   * @param verdict the verdict on it
   * @param policyAction the policy's action for the verdict
   * @param session the session that built the report
   * @param at the wall time of the report
   * @param monotonicNanos the monotonic time of the report
   * @param time the time state of the decision
   * @param decisionPolicy the thresholds of the decision
   * @param heartbeats the slots read for the report
   * @param observations the observations the decision used, by task
   * @param workerProbes the worker probe results, by attempt: ref and liveness
   * @param runnerProbe the runner's probe result, or null when it has none or was not probed
   * @param leases the leases read (vouching sessions, owner)
   * @param events the run's last events, oldest first
   * @param deadletters the run's deadletter entries, or null when they could not be listed
   * @param deadlettersError why they could not be listed, or null
   */
  public record Inputs(
      RunSnapshot snapshot,
      Verdict verdict,
      @Nullable RecoveryAction policyAction,
      Owner session,
      Instant at,
      long monotonicNanos,
      TimeState time,
      DecisionPolicy decisionPolicy,
      Map<TaskId, HeartbeatReading> heartbeats,
      Map<TaskId, TaskObservation> observations,
      Map<AttemptId, Map.Entry<ProcessRef, Liveness>> workerProbes,
      @Nullable Liveness runnerProbe,
      Map<SessionId, Lease> leases,
      List<RunEvent> events,
      @Nullable List<StoredDeadletter> deadletters,
      @Nullable String deadlettersError) {}

  private Diagnosis() {}

  /**
   * Renders a report.
   *
   * @param in what it holds
   * @return the JSON document, indented
   */
  public static String render(Inputs in) {
    RunSnapshot s = in.snapshot();
    ObjectNode root = NODES.objectNode();
    root.put("format", FORMAT);
    root.put("runId", s.runId().value());
    root.put("generatedAt", in.at().toString());
    root.set("session", tree(in.session()));

    Verdict v = in.verdict();
    ObjectNode verdict = root.putObject("verdict");
    verdict.put("kind", v.kind().name());
    verdict.put("rule", v.rule().name());
    verdict.put("step", v.step());
    verdict.put("why", v.why());
    verdict.set("deferredKind", tree(v.deferredKind()));
    verdict.put("repair", v.repair().name());
    verdict.set("derivedStatus", tree(v.derivedStatus()));
    verdict.set("firedBy", tree(v.firedBy()));
    verdict.set("manifestAge", tree(v.manifestAge()));
    verdict.set("lastMoveAge", tree(v.lastMoveAge()));
    verdict.set("deadTasks", tree(v.deadTasks()));
    verdict.set("aliveWorkers", tree(v.aliveWorkers()));
    verdict.set("unknownWorkers", tree(v.unknownWorkers()));
    verdict.set("runner", tree(v.runner()));
    verdict.set("tasks", tree(v.tasks()));
    root.set("policyAction", tree(in.policyAction()));

    ObjectNode time = root.putObject("time");
    time.put("wall", in.at().toString());
    time.put("monotonicNanos", in.monotonicNanos());
    time.put("graceWindowOpen", in.time().graceWindowOpen());
    time.set("lastForwardJump", tree(in.time().lastForwardJump()));
    time.set("lastForwardJumpAt", tree(in.time().lastForwardJumpAt()));
    time.put(
        "onlyProposes24hRepairs", in.time().onlyProposes24hRepairs(in.at(), in.decisionPolicy()));

    ObjectNode summary = root.putObject("summary");
    summary.put("status", s.status().name());
    summary.set("owner", tree(s.manifest().owner()));
    summary.put("epoch", s.manifest().epoch());
    summary.put("version", s.version());
    summary.put("updatedAt", s.manifest().updatedAt().toString());
    summary.set("summary", tree(s.manifest().summary()));
    Map<String, Integer> counts = new TreeMap<>();
    for (TaskState t : s.tasks()) {
      counts.merge(t.status().name(), 1, Integer::sum);
    }
    summary.set("tasksByStatus", tree(counts));
    summary.put("tasks", s.tasks().size());
    summary.put(
        "unfinishedTasks", s.tasks().stream().filter(t -> !t.status().isTerminal()).count());
    summary.put(
        "runningTasks", s.tasks().stream().filter(t -> t.status() == TaskStatus.RUNNING).count());

    root.set("snapshot", tree(s));
    root.set("heartbeats", tree(in.heartbeats()));
    root.set("observations", tree(in.observations()));

    ObjectNode probes = root.putObject("probes");
    ArrayNode workers = probes.putArray("workers");
    in.workerProbes()
        .forEach(
            (attempt, e) -> {
              ObjectNode w = workers.addObject();
              w.put("task", attempt.taskId().value());
              w.put("attempt", attempt.toString());
              w.set("ref", tree(e.getKey()));
              w.put("liveness", e.getValue().name());
            });
    ObjectNode runner = probes.putObject("runner");
    runner.set("ref", tree(s.manifest().runner()));
    runner.put("epoch", s.manifest().epoch());
    runner.set("liveness", tree(in.runnerProbe()));

    root.set("leases", tree(in.leases()));
    List<RunEvent> events = in.events();
    root.put("eventsTotalSeen", events.size());
    root.set(
        "events", tree(events.subList(Math.max(0, events.size() - LAST_EVENTS), events.size())));
    root.set("deadletters", tree(in.deadletters()));
    root.set("deadlettersError", tree(in.deadlettersError()));
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always serializes", e);
    }
  }

  /**
   * Renders a value as a JSON tree: null, strings, numbers, booleans and enums as themselves; ids,
   * instants, durations and paths as their text; records component by component; collections as
   * arrays; maps as objects keyed by the keys' text.
   */
  static JsonNode tree(@Nullable Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof String str) {
      return NODES.textNode(str);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Number n) {
      return NODES.textNode(n.toString());
    }
    if (value instanceof Enum<?> e) {
      return NODES.textNode(e.name());
    }
    if (value instanceof Optional<?> o) {
      return tree(o.orElse(null));
    }
    if (value instanceof RunId
        || value instanceof TaskId
        || value instanceof SessionId
        || value instanceof AttemptId
        || value instanceof DeadletterId
        || value instanceof DeliveryId
        || value instanceof Instant
        || value instanceof Duration
        || value instanceof Path) {
      return NODES.textNode(text(value));
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode o = NODES.objectNode();
      map.forEach((k, v) -> o.set(text(k), tree(v)));
      return o;
    }
    if (value instanceof Collection<?> c) {
      ArrayNode a = NODES.arrayNode();
      c.forEach(x -> a.add(tree(x)));
      return a;
    }
    if (value instanceof Record r) {
      ObjectNode o = NODES.objectNode();
      for (RecordComponent rc : r.getClass().getRecordComponents()) {
        try {
          o.set(rc.getName(), tree(rc.getAccessor().invoke(r)));
        } catch (IllegalAccessException | InvocationTargetException e) {
          o.put(rc.getName(), "unreadable: " + e);
        }
      }
      return o;
    }
    return NODES.textNode(value.toString());
  }

  private static String text(Object value) {
    if (value instanceof RunId id) {
      return id.value();
    }
    if (value instanceof TaskId id) {
      return id.value();
    }
    if (value instanceof SessionId id) {
      return id.value();
    }
    if (value instanceof DeadletterId id) {
      return id.value();
    }
    if (value instanceof DeliveryId id) {
      return id.value();
    }
    return value.toString();
  }
}
