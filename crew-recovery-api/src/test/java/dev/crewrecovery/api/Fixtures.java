package dev.crewrecovery.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Sample values shared by the tests of this package. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  static final RunId RUN = RunId.of("run-1");
  static final RunId OTHER_RUN = RunId.of("run-2");
  static final TaskId TASK_A = TaskId.of("task-a");
  static final TaskId TASK_B = TaskId.of("task-b");
  static final SessionId SESSION = SessionId.of("host-session");
  static final Owner OWNER = new Owner(SESSION, 3);
  static final ProcessRef WORKER = ProcessRef.linux(4242, "host-1", "boot-1", 123_456L);

  /** The rule as the tests spell it; the messages must quote it. */
  static final String RULE_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final String ALPHABET = ALNUM + "._-";

  /** One of the five path-id types, with both of its factories. */
  record IdKind(
      String name, Function<String, Object> constructor, Function<String, Object> factory) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<IdKind> ID_KINDS =
      List.of(
          new IdKind("RunId", RunId::new, RunId::of),
          new IdKind("TaskId", TaskId::new, TaskId::of),
          new IdKind("SessionId", SessionId::new, SessionId::of),
          new IdKind("DeliveryId", DeliveryId::new, DeliveryId::of),
          new IdKind("DeadletterId", DeadletterId::new, DeadletterId::of));

  private Fixtures() {}

  /** The id kinds, for {@code @MethodSource}. */
  static java.util.stream.Stream<IdKind> idKinds() {
    return ID_KINDS.stream();
  }

  static Instant at(long seconds) {
    return T0.plus(Duration.ofSeconds(seconds));
  }

  static AttemptId attempt(TaskId task, int n) {
    return AttemptId.of(RUN, task, n);
  }

  /** Attempts 1..n of a task of {@link #RUN}, each started a second after the previous one. */
  static List<Attempt> attempts(TaskId task, int n) {
    List<Attempt> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(Attempt.started(attempt(task, i), at(i), WORKER));
    }
    return out;
  }

  static TaskState running(TaskId task, int attempts) {
    return new TaskState(
        task, TaskStatus.RUNNING, attempts(task, attempts), true, null, null, at(100), null);
  }

  /** A manifest with every component set (BLOCKED, so that it may carry an approval marker). */
  static Manifest fullManifest() {
    return new Manifest(
        RUN,
        RunStatus.BLOCKED,
        OWNER,
        4,
        T0,
        at(60),
        ProcessRef.portable(77, "host-2", at(-10)),
        SESSION,
        "/var/log/runner.log",
        new ApprovalMarker(at(50), ApprovalState.PENDING),
        List.of(new ResumeRecord(at(30), SESSION, 2, 3)),
        "blocked for approval",
        Map.of("k", "v"));
  }

  /** Escapes as the id rule's messages promise: printable ASCII kept, the rest as \\uXXXX. */
  static String escaped(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c == '\\' || c == '"') {
        out.append('\\').append(c);
      } else if (c >= ' ' && c <= '~') {
        out.append(c);
      } else {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04X", (int) c));
      }
    }
    return out.toString();
  }

  /** Whether the text is printable ASCII only (what a log line can take safely). */
  static boolean isPrintableAscii(String text) {
    return text.chars().allMatch(c -> c >= ' ' && c <= '~');
  }
}
