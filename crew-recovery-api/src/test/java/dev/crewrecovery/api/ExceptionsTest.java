package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.OWNER;
import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.SESSION;
import static dev.crewrecovery.api.Fixtures.T0;
import static dev.crewrecovery.api.Fixtures.TASK_A;
import static dev.crewrecovery.api.Fixtures.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The exception hierarchy and what each message names. */
class ExceptionsTest {

  private static final List<Class<? extends RuntimeException>> EXCEPTIONS =
      List.of(
          CrewRecoveryException.class,
          AttemptNotStartableException.class,
          CorruptStateException.class,
          DeadletterNotFoundException.class,
          DeadletterNotOpenException.class,
          DeliveryQueueFullException.class,
          IllegalTransitionException.class,
          InvalidConfigurationException.class,
          InvalidIdException.class,
          LeaseLostException.class,
          LockTimeoutException.class,
          RedriveRefusedException.class,
          RunExistsException.class,
          RunNotFoundException.class,
          StaleAttemptException.class,
          StaleOwnerException.class,
          StoreIoException.class,
          TaskListChangedException.class,
          TerminalTaskException.class,
          UnsupportedSchemaException.class,
          VersionConflictException.class);

  static Stream<Class<? extends RuntimeException>> exceptions() {
    return EXCEPTIONS.stream();
  }

  @ParameterizedTest
  @MethodSource("exceptions")
  void everyExceptionIsAnUncheckedCrewRecoveryException(Class<?> type) {
    assertThat(CrewRecoveryException.class).isAssignableFrom(type);
    assertThat(RuntimeException.class).isAssignableFrom(type);
  }

  @Test
  void theListAboveHoldsEveryExceptionOfTheApi() throws IOException, URISyntaxException {
    Path root =
        Paths.get(
            CrewRecoveryException.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    Set<String> found;
    try (Stream<Path> files = Files.walk(root)) {
      found =
          files
              .map(p -> root.relativize(p).toString().replace('\\', '/'))
              .filter(p -> p.startsWith("dev/crewrecovery/api/") && p.endsWith(".class"))
              .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
              .filter(n -> !n.contains("$"))
              .filter(
                  n -> {
                    try {
                      return Throwable.class.isAssignableFrom(Class.forName(n));
                    } catch (ClassNotFoundException e) {
                      throw new UncheckedIOException(new IOException(e));
                    }
                  })
              .collect(Collectors.toSet());
    }
    assertThat(found)
        .containsExactlyInAnyOrderElementsOf(
            EXCEPTIONS.stream().map(Class::getName).collect(Collectors.toList()));
  }

  @Test
  void subHierarchies() {
    assertThat(IllegalTransitionException.class).isAssignableFrom(TerminalTaskException.class);
    assertThat(CorruptStateException.class).isAssignableFrom(UnsupportedSchemaException.class);
  }

  @Test
  void rootKeepsMessageAndCause() {
    Throwable cause = new IOException("disk");
    CrewRecoveryException e = new CrewRecoveryException("m", cause);
    assertThat(e).hasMessage("m").hasCause(cause);
    assertThat(new CrewRecoveryException("only")).hasMessage("only").hasNoCause();
  }

  @Test
  void illegalTransitionNamesBothStates() {
    IllegalTransitionException e =
        new IllegalTransitionException(
            "x", TaskStatus.RUNNING, TaskStatus.SKIPPED, RunStatus.FAILED);
    assertThat(e.from()).isEqualTo(TaskStatus.RUNNING);
    assertThat(e.to()).isEqualTo(TaskStatus.SKIPPED);
    assertThat(e.runStatus()).isEqualTo(RunStatus.FAILED);
    try {
      RunStatus.CANCELLED.checkMoveTo(RUN, RunStatus.COMPLETED, TransitionReason.ORDINARY);
    } catch (IllegalTransitionException thrown) {
      assertThat(thrown.getMessage()).contains("CANCELLED", "COMPLETED", RUN.value());
      return;
    }
    throw new AssertionError("CANCELLED -> COMPLETED was allowed");
  }

  @Test
  void terminalTaskNamesAttemptAndBothStates() {
    AttemptId a = AttemptId.of(RUN, TASK_A, 2);
    TerminalTaskException e = new TerminalTaskException(a, TaskStatus.COMPLETED, TaskStatus.FAILED);
    assertThat(e.attempt()).isEqualTo(a);
    assertThat(e.from()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(e.to()).isEqualTo(TaskStatus.FAILED);
    assertThat(e.runStatus()).isNull();
    assertThat(e.getMessage()).contains(a.toString(), "COMPLETED", "FAILED", TASK_A.value());
  }

  @Test
  void attemptNotStartableNamesTaskRunReasonAndEvidence() {
    AttemptNotStartableException e =
        new AttemptNotStartableException(
            RUN, TASK_A, AttemptNotStartableException.Reason.NOT_BEFORE, T0, null, "");
    assertThat(e.getMessage()).contains(RUN.value(), TASK_A.value(), "NOT_BEFORE", T0.toString());
    assertThat(e.runId()).isEqualTo(RUN);
    assertThat(e.taskId()).isEqualTo(TASK_A);
    assertThat(e.reason()).isEqualTo(AttemptNotStartableException.Reason.NOT_BEFORE);
    assertThat(e.notBefore()).isEqualTo(T0);
    assertThat(e.previousWorker()).isNull();
    AttemptNotStartableException w =
        new AttemptNotStartableException(
            RUN,
            TASK_A,
            AttemptNotStartableException.Reason.PREVIOUS_WORKER_ALIVE,
            null,
            WORKER,
            "use force");
    assertThat(w.getMessage()).contains("PREVIOUS_WORKER_ALIVE", "4242", "use force");
    assertThat(w.previousWorker()).isEqualTo(WORKER);
  }

  @Test
  void corruptStateNamesLocationAndQuarantine() {
    Throwable cause = new IllegalStateException("bad json");
    CorruptStateException moved =
        new CorruptStateException(
            "/store/run-1.json", "/store/quarantine/run-1.json", "not JSON", cause);
    assertThat(moved.getMessage())
        .contains("/store/run-1.json", "/store/quarantine/run-1.json", "not JSON");
    assertThat(moved.location()).isEqualTo("/store/run-1.json");
    assertThat(moved.quarantinedTo()).isEqualTo("/store/quarantine/run-1.json");
    assertThat(moved).hasCause(cause);
    CorruptStateException inPlace = new CorruptStateException("/x", null, "bad", null);
    assertThat(inPlace.quarantinedTo()).isNull();
    assertThat(inPlace.getMessage()).contains("/x", "bad").doesNotContain("moved");
  }

  @Test
  void unsupportedSchemaNamesBothVersionsAndIsLeftInPlace() {
    UnsupportedSchemaException e = new UnsupportedSchemaException("/store/run-1.json", 9, 2);
    assertThat(e).isInstanceOf(CorruptStateException.class);
    assertThat(e.found()).isEqualTo(9);
    assertThat(e.supported()).isEqualTo(2);
    assertThat(e.quarantinedTo()).isNull();
    assertThat(e.location()).isEqualTo("/store/run-1.json");
    assertThat(e.getMessage()).contains("/store/run-1.json", "9", "2", "left in place");
  }

  @Test
  void smallExceptionsNameTheirContext() {
    assertThat(new DeliveryQueueFullException(1000).getMessage()).contains("1000");
    assertThat(new DeliveryQueueFullException(1000).bound()).isEqualTo(1000);

    InvalidConfigurationException config =
        new InvalidConfigurationException("leaseDuration", "must be positive, was PT0S");
    assertThat(config.field()).isEqualTo("leaseDuration");
    assertThat(config.getMessage()).contains("leaseDuration", "must be positive");

    InvalidIdException id = new InvalidIdException("RunId", "a\nb", "no newlines");
    assertThat(id.getMessage()).contains("RunId", "a\\u000Ab", "no newlines").doesNotContain("\n");

    Lease stored = new Lease(SESSION, 4, T0, T0, false);
    LeaseLostException lost = new LeaseLostException(SESSION, 3, stored);
    assertThat(lost.getMessage()).contains(SESSION.value(), "3", "incarnation=4");
    assertThat(lost.current()).isEqualTo(stored);
    assertThat(lost.session()).isEqualTo(SESSION);
    assertThat(lost.incarnation()).isEqualTo(3);
    assertThat(new LeaseLostException(SESSION, 3, null).getMessage()).contains("none");

    LockTimeoutException lock = new LockTimeoutException(RUN, Duration.ofMillis(200));
    assertThat(lock.getMessage()).contains(RUN.value(), "PT0.2S");
    assertThat(lock.runId()).isEqualTo(RUN);
    assertThat(lock.waited()).isEqualTo(Duration.ofMillis(200));

    DeadletterId entry = DeadletterId.of("dl-1");
    assertThat(new DeadletterNotFoundException(entry).getMessage()).contains("dl-1", "not exist");
    assertThat(new DeadletterNotFoundException(entry).id()).isEqualTo(entry);
    DeadletterNotOpenException notOpen =
        new DeadletterNotOpenException(entry, "SUPERSEDED", "redrive");
    assertThat(notOpen.getMessage()).contains("dl-1", "SUPERSEDED", "redrive", "only for OPEN");
    assertThat(notOpen.id()).isEqualTo(entry);
    assertThat(notOpen.state()).isEqualTo("SUPERSEDED");
    RedriveRefusedException refused = new RedriveRefusedException(entry, "it is run-level");
    assertThat(refused.getMessage()).contains("cannot redrive", "dl-1", "it is run-level");
    assertThat(refused.id()).isEqualTo(entry);

    assertThat(new RunExistsException(RUN).getMessage()).contains(RUN.value(), "exists");
    assertThat(new RunExistsException(RUN).runId()).isEqualTo(RUN);
    assertThat(new RunNotFoundException(RUN).getMessage()).contains(RUN.value());
    assertThat(new RunNotFoundException(RUN).runId()).isEqualTo(RUN);

    AttemptId old = AttemptId.of(RUN, TASK_A, 1);
    StaleAttemptException stale = new StaleAttemptException(old, old.next());
    assertThat(stale.getMessage()).contains(old.toString(), old.next().toString());
    assertThat(stale.attempt()).isEqualTo(old);
    assertThat(stale.current()).isEqualTo(old.next());
    assertThat(new StaleAttemptException(old, null).getMessage()).contains("no current attempt");

    Owner newer = new Owner(SESSION, 4);
    StaleOwnerException owner = new StaleOwnerException(RUN, OWNER, 2, newer, 3);
    assertThat(owner.getMessage())
        .contains(RUN.value(), OWNER.toString(), newer.toString(), "2", "3");
    assertThat(owner.writer()).isEqualTo(OWNER);
    assertThat(owner.writerEpoch()).isEqualTo(2);
    assertThat(owner.currentOwner()).isEqualTo(newer);
    assertThat(owner.currentEpoch()).isEqualTo(3);
    assertThat(owner.runId()).isEqualTo(RUN);
    assertThat(new StaleOwnerException(RUN, OWNER, 2, null, 3).getMessage()).contains("nobody");

    IOException io = new IOException("EIO");
    assertThat(new StoreIoException("reading /s/run-1.json", io))
        .hasMessageContaining("/s/run-1.json")
        .hasCause(io);

    TaskListChangedException changed = new TaskListChangedException(RUN, "task-a dropped");
    assertThat(changed.getMessage()).contains(RUN.value(), "task-a dropped");
    assertThat(changed.runId()).isEqualTo(RUN);

    VersionConflictException conflict = new VersionConflictException(RUN, 4, 5);
    assertThat(conflict.getMessage()).contains(RUN.value(), "4", "5");
    assertThat(conflict.expected()).isEqualTo(4);
    assertThat(conflict.actual()).isEqualTo(5);
    assertThat(conflict.runId()).isEqualTo(RUN);
  }
}
