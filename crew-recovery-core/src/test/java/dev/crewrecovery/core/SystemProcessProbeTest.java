package dev.crewrecovery.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.crewrecovery.api.InvalidConfigurationException;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.ProcessExit;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.internal.process.FakeProcTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SystemProcessProbe} against real processes on this Linux machine, and against fake {@code
 * /proc} trees for what real processes cannot be made to show (odd names, unreadable files).
 *
 * <p>Nothing sleeps to synchronise: readiness is a line a child prints, exits are awaited through
 * futures with generous timeouts. The one bounded poll (a zombie appearing) says why.
 */
@Timeout(60)
class SystemProcessProbeTest {

  private static final Path PROC = Path.of("/proc");
  private static final long WAIT_SECONDS = 10;

  private final List<Child> children = new ArrayList<>();
  private final List<SystemProcessProbe> probes = new ArrayList<>();

  /** A started child with line access to its stdin and stdout. */
  private record Child(Process process, BufferedReader out, Writer in) {
    String readLine() throws IOException {
      String line = out.readLine();
      assertThat(line).as("a line from pid %d", process.pid()).isNotNull();
      return line;
    }

    /** Proves the child is alive and has handled no fatal signal sent before this call. */
    void assertStillAnswers() throws IOException {
      in.write("ping\n");
      in.flush();
      assertThat(out.readLine()).isEqualTo("ping");
      assertThat(process.isAlive()).isTrue();
    }

    long pid() {
      return process.pid();
    }
  }

  @BeforeEach
  void requireLinux() {
    assumeThat(Files.isDirectory(PROC.resolve("self"))).as("a Linux /proc").isTrue();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (SystemProcessProbe probe : probes) {
      probe.close();
    }
    for (Child child : children) {
      child.process().descendants().forEach(ProcessHandle::destroyForcibly);
      child.process().destroyForcibly();
    }
    for (Child child : children) {
      child.process().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  private SystemProcessProbe probe(UnaryOperator<SystemProcessProbe.Builder> options) {
    SystemProcessProbe probe = options.apply(SystemProcessProbe.builder()).build();
    probes.add(probe);
    return probe;
  }

  private SystemProcessProbe probe() {
    return probe(b -> b);
  }

  private Child start(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectError(Redirect.DISCARD).start();
    Child child =
        new Child(
            process,
            new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8)),
            new OutputStreamWriter(process.getOutputStream(), UTF_8));
    children.add(child);
    return child;
  }

  /** A child that echoes every line, so that a round trip proves it alive and unsignalled. */
  private Child echo() throws IOException {
    Child child = start("sh", "-c", "echo ready; while read x; do echo \"$x\"; done");
    assertThat(child.readLine()).isEqualTo("ready");
    return child;
  }

  /** Field 22 of /proc/<pid>/stat, read independently of the code under test. */
  private static long startTicksOf(long pid) throws IOException {
    String stat = Files.readString(PROC.resolve(pid + "/stat"));
    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(rest[22 - 3]);
  }

  private static char stateOf(long pid) throws IOException {
    String stat = Files.readString(PROC.resolve(pid + "/stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }

  private static String commOf(long pid) throws IOException {
    return Files.readString(PROC.resolve(pid + "/comm")).strip();
  }

  private static String bootId() throws IOException {
    return Files.readString(PROC.resolve("sys/kernel/random/boot_id")).strip();
  }

  private static ProcessRef identified(SystemProcessProbe probe, long pid) {
    return probe.identify(pid).orElseThrow(() -> new AssertionError("pid " + pid + " not found"));
  }

  @Nested
  class Identity {

    @Test
    void identifyCapturesHostBootIdStartTicksAndStartInstant() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = start("sleep", "30");

      ProcessRef ref = identified(probe, child.pid());

      assertThat(ref.pid()).isEqualTo(child.pid());
      assertThat(ref.host()).isEqualTo(probe.hostName());
      assertThat(ref.bootId()).isEqualTo(bootId());
      assertThat(ref.startTicks()).isEqualTo(startTicksOf(child.pid()));
      assertThat(ref.startInstant()).isEqualTo(child.process().info().startInstant().orElseThrow());
    }

    @Test
    void identifyOfAProcessRemembersIt() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = start("sleep", "30");

      assertThat(probe.identify(child.process())).isEqualTo(probe.identify(child.pid()));
    }

    @Test
    void identifyOfNoProcessIsEmpty() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = start("sleep", "30");
      long pid = child.pid();
      child.process().destroyForcibly();
      child.process().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);

      assertThat(probe.identify(pid)).isEmpty();
      assertThat(probe.identify(child.process())).isEmpty();
    }

    @Test
    void identifyRejectsNonPositivePids() {
      SystemProcessProbe probe = probe();

      assertThatThrownBy(() -> probe.identify(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> probe.identify(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsComeFromProc() throws Exception {
      SystemProcessProbe probe = probe();

      assertThat(probe.hostName())
          .isEqualTo(Files.readString(PROC.resolve("sys/kernel/hostname")).strip());
      assertThat(probe.bootId()).contains(bootId());
      assertThat(probe.procRoot()).contains(SystemProcessProbe.DEFAULT_PROC_ROOT);
      assertThat(probe.probe(identified(probe, ProcessHandle.current().pid())))
          .isEqualTo(Liveness.ALIVE);
    }
  }

  @Nested
  class Probing {

    @Test
    void aLiveChildIsAliveAndDeadOnceItExits() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = start("sleep", "30");
      ProcessRef ref = identified(probe, child.pid());

      assertThat(probe.probe(ref)).isEqualTo(Liveness.ALIVE);

      child.process().destroyForcibly();
      child.process().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);

      assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
    }

    @Test
    void anUnreapedChildIsDead(@TempDir Path dir) throws Exception {
      SystemProcessProbe probe = probe();
      // The shell starts `cat FIFO` in the background, prints its pid, then becomes `sleep 30`,
      // which never waits for children. `cat` blocks on the FIFO until this test closes it, so it
      // can only exit after the exec: a shell that reaps its background jobs (bash does, on
      // SIGCHLD) never gets the chance, and the child stays a zombie.
      Path fifo = dir.resolve("gate");
      assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
      Child parent =
          start("sh", "-c", "cat \"$0\" >/dev/null & echo $!; exec sleep 30", fifo.toString());
      long zombie = Long.parseLong(parent.readLine().strip());
      long ticks = startTicksOf(zombie);
      // The kernel offers no event for "another process became sleep" or "another process's
      // child became a zombie" (only its parent can wait for it), so poll, bounded by an overall
      // deadline that only guards against a broken setup.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (!commOf(parent.pid()).equals("sleep") && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      assertThat(commOf(parent.pid())).isEqualTo("sleep");
      try (var gate = Files.newOutputStream(fifo)) {
        gate.flush();
      }
      while (stateOf(zombie) != 'Z' && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      assertThat(stateOf(zombie)).isEqualTo('Z');
      ProcessRef ref = ProcessRef.linux(zombie, probe.hostName(), bootId(), ticks);

      assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
      assertThat(probe.identify(zombie)).isEmpty();
      assertThat(probe.onExit(ref)).isCompletedWithValue(new ProcessExit(ref, null));
      assertThat(probe.terminate(ref, Duration.ZERO)).isEqualTo(TerminationOutcome.NOT_RUNNING);
    }

    @Test
    void theRightPidWithOtherStartTicksIsRecycledAndNeverSignalled() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = echo();
      ProcessRef ref = identified(probe, child.pid());
      ProcessRef recycled = ref.withStartTicks(ref.startTicks() + 1);

      assertThat(probe.probe(recycled)).isEqualTo(Liveness.RECYCLED);
      assertThat(probe.onExit(recycled)).isDone();
      assertThat(probe.terminate(recycled, Duration.ZERO))
          .isEqualTo(TerminationOutcome.IDENTITY_MISMATCH);
      child.assertStillAnswers();
      assertThat(probe.probe(ref)).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void aRefFromAnotherBootIsDeadWithoutProbing() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = echo();
      ProcessRef live = identified(probe, child.pid());
      ProcessRef earlierBoot =
          new ProcessRef(
              live.pid(),
              live.host(),
              "00000000-0000-4000-8000-000000000000",
              live.startTicks(),
              null);

      assertThat(probe.probe(earlierBoot)).isEqualTo(Liveness.DEAD);
      assertThat(probe.terminate(earlierBoot, Duration.ZERO))
          .isEqualTo(TerminationOutcome.NOT_RUNNING);
      child.assertStillAnswers();
    }

    @Test
    void aRefOfAnotherHostIsUnknownAndNeverSignalled() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = echo();
      ProcessRef live = identified(probe, child.pid());
      ProcessRef remote =
          new ProcessRef(live.pid(), "elsewhere.example", live.bootId(), live.startTicks(), null);

      assertThat(probe.probe(remote)).isEqualTo(Liveness.UNKNOWN);
      assertThat(probe.terminate(remote, Duration.ZERO)).isEqualTo(TerminationOutcome.UNKNOWN);
      CompletableFuture<ProcessExit> exit = probe.onExit(remote);
      assertThat(exit).isNotDone();
      assertThat(probe.polledRegistrations()).isEqualTo(1);
      exit.cancel(false);
      assertThat(probe.polledRegistrations()).isZero();
      child.assertStillAnswers();
    }

    @Test
    void hostNamesCompareCaseInsensitively() throws Exception {
      SystemProcessProbe probe = probe(b -> b.hostName("Worker-1"));
      Child child = start("sleep", "30");
      ProcessRef ref = identified(probe, child.pid());
      ProcessRef shouted =
          new ProcessRef(ref.pid(), "WORKER-1", ref.bootId(), ref.startTicks(), null);

      assertThat(ref.host()).isEqualTo("Worker-1");
      assertThat(probe.probe(shouted)).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void aRefWithoutStartIdentityIsAliveWhileThePidExistsButIsNeverSignalled() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = echo();
      ProcessRef bare = new ProcessRef(child.pid(), probe.hostName(), bootId(), null, null);

      assertThat(probe.probe(bare)).isEqualTo(Liveness.ALIVE);
      assertThat(probe.terminate(bare, Duration.ZERO)).isEqualTo(TerminationOutcome.UNKNOWN);
      child.assertStillAnswers();
    }

    @Test
    void aPortableRefIsJudgedByStartInstant() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = start("sleep", "30");
      ProcessRef ref = identified(probe, child.pid());
      ProcessRef portable =
          ProcessRef.portable(ref.pid(), ref.host(), ref.startInstant().plusMillis(300));
      ProcessRef tooFar =
          ProcessRef.portable(ref.pid(), ref.host(), ref.startInstant().minusSeconds(5));

      assertThat(probe.probe(portable)).isEqualTo(Liveness.ALIVE);
      assertThat(probe.probe(tooFar)).isEqualTo(Liveness.RECYCLED);

      child.process().destroyForcibly();
      child.process().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(probe.probe(portable)).isEqualTo(Liveness.DEAD);
    }
  }

  @Nested
  class Watching {

    @Test
    void onExitOfAChildFiresWithinOneSecondOfSigkillWithoutThePoller() throws Exception {
      // The poller would not run for an hour: only the event can complete the future in time.
      SystemProcessProbe probe = probe(b -> b.pollInterval(Duration.ofHours(1)));
      Child child = start("sleep", "30");
      ProcessRef ref = identified(probe, child.pid());
      CompletableFuture<ProcessExit> exit = probe.onExit(ref);
      assertThat(probe.eventDrivenRegistrations()).isEqualTo(1);
      assertThat(probe.polledRegistrations()).isZero();
      assertThat(exit).isNotDone();

      child.process().destroyForcibly();

      assertThat(exit.get(1, TimeUnit.SECONDS)).isEqualTo(new ProcessExit(ref, null));
      assertThat(probe.pollerRunning()).isFalse();
    }

    @Test
    void onExitOfANonChildFiresWithinOneSecondOfSigkillThroughThePoller() throws Exception {
      SystemProcessProbe probe = probe(b -> b.pollInterval(Duration.ofMillis(20)));
      Child shell = start("sh", "-c", "sleep 30 & echo $!; wait");
      long grandchild = Long.parseLong(shell.readLine().strip());
      ProcessHandle handle = ProcessHandle.of(grandchild).orElseThrow();
      assertThat(handle.parent().map(ProcessHandle::pid)).contains(shell.pid());
      ProcessRef ref = identified(probe, grandchild);
      CompletableFuture<ProcessExit> exit = probe.onExit(ref);
      assertThat(probe.polledRegistrations()).isEqualTo(1);
      assertThat(probe.eventDrivenRegistrations()).isZero();

      assertThat(handle.destroyForcibly()).isTrue();

      assertThat(exit.get(1, TimeUnit.SECONDS)).isEqualTo(new ProcessExit(ref, null));
    }

    @Test
    void aHandedOverProcessReportsItsExitCode() throws Exception {
      SystemProcessProbe probe = probe(b -> b.pollInterval(Duration.ofHours(1)));
      Child child = start("sh", "-c", "read line; exit 3");
      ProcessRef ref = probe.identify(child.process()).orElseThrow();
      CompletableFuture<ProcessExit> exit = probe.onExit(ref);
      assertThat(probe.eventDrivenRegistrations()).isEqualTo(1);

      child.in().close(); // `read` sees end of input and the shell exits 3

      assertThat(exit.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new ProcessExit(ref, 3));
      // Registered after the exit: completes at once, and still knows the code.
      assertThat(probe.onExit(ref)).isCompletedWithValue(new ProcessExit(ref, 3));
      assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
    }

    @Test
    void childrenBeyondTheEventDrivenLimitArePolled() throws Exception {
      SystemProcessProbe probe =
          probe(b -> b.maxEventDrivenRegistrations(1).pollInterval(Duration.ofMillis(20)));
      Child first = start("sleep", "30");
      Child second = start("sleep", "30");
      CompletableFuture<ProcessExit> firstExit = probe.onExit(identified(probe, first.pid()));
      CompletableFuture<ProcessExit> secondExit = probe.onExit(identified(probe, second.pid()));

      assertThat(probe.eventDrivenRegistrations()).isEqualTo(1);
      assertThat(probe.polledRegistrations()).isEqualTo(1);

      first.process().destroyForcibly();
      second.process().destroyForcibly();
      firstExit.get(WAIT_SECONDS, TimeUnit.SECONDS);
      secondExit.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void zeroEventDrivenRegistrationsPollsEveryRef() throws Exception {
      SystemProcessProbe probe =
          probe(b -> b.maxEventDrivenRegistrations(0).pollInterval(Duration.ofMillis(20)));
      Child child = start("sleep", "30");
      CompletableFuture<ProcessExit> exit = probe.onExit(identified(probe, child.pid()));

      assertThat(probe.eventDrivenRegistrations()).isZero();
      assertThat(probe.polledRegistrations()).isEqualTo(1);
      child.process().destroyForcibly();
      exit.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void cancellingAnEventDrivenRegistrationFreesItsSlot() throws Exception {
      SystemProcessProbe probe = probe(b -> b.maxEventDrivenRegistrations(1));
      Child child = start("sleep", "30");
      ProcessRef ref = identified(probe, child.pid());
      CompletableFuture<ProcessExit> exit = probe.onExit(ref);
      assertThat(probe.eventDrivenRegistrations()).isEqualTo(1);

      exit.cancel(false);

      assertThat(probe.eventDrivenRegistrations()).isZero();
      probe.onExit(ref);
      assertThat(probe.eventDrivenRegistrations()).isEqualTo(1);
      assertThat(probe.polledRegistrations()).isZero();
    }

    @Test
    void closeCancelsPendingFuturesAndRefusesNewOnes() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = start("sleep", "30");
      ProcessRef ref = identified(probe, child.pid());
      CompletableFuture<ProcessExit> exit = probe.onExit(ref);

      probe.close();

      assertThat(exit).isCancelled();
      assertThatThrownBy(() -> probe.onExit(ref)).isInstanceOf(IllegalStateException.class);
      assertThat(probe.probe(ref)).isEqualTo(Liveness.ALIVE);
    }
  }

  @Nested
  class Terminating {

    @Test
    void aChildThatIgnoresTermIsKilledAfterTheGrace() throws Exception {
      SystemProcessProbe probe = probe();
      // Only shell builtins run, so the ignored TERM is not inherited by some other process.
      Child child = start("sh", "-c", "trap '' TERM; echo ready; while read x; do :; done");
      assertThat(child.readLine()).isEqualTo("ready");
      ProcessRef ref = identified(probe, child.pid());

      TerminationOutcome outcome = probe.terminate(ref, Duration.ofMillis(300));

      assertThat(outcome).isEqualTo(TerminationOutcome.KILLED);
      assertThat(child.process().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS).exitValue())
          .isEqualTo(128 + 9);
      assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
    }

    @Test
    void aChildThatHonoursTermIsTerminated() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = start("sleep", "30");
      ProcessRef ref = identified(probe, child.pid());

      TerminationOutcome outcome = probe.terminate(ref, Duration.ofSeconds(WAIT_SECONDS));

      assertThat(outcome).isEqualTo(TerminationOutcome.TERMINATED);
      assertThat(child.process().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS).exitValue())
          .isEqualTo(128 + 15);
    }

    @Test
    void aNonChildThatHonoursTermIsTerminated() throws Exception {
      SystemProcessProbe probe = probe();
      Child shell = start("sh", "-c", "sleep 30 & echo $!; wait");
      long grandchild = Long.parseLong(shell.readLine().strip());
      ProcessRef ref = identified(probe, grandchild);

      TerminationOutcome outcome = probe.terminate(ref, Duration.ofSeconds(WAIT_SECONDS));

      assertThat(outcome).isEqualTo(TerminationOutcome.TERMINATED);
      assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
    }

    @Test
    void aProcessAlreadyGoneIsNotRunning() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = start("sleep", "30");
      ProcessRef ref = identified(probe, child.pid());
      child.process().destroyForcibly();
      child.process().onExit().get(WAIT_SECONDS, TimeUnit.SECONDS);

      assertThat(probe.terminate(ref, Duration.ZERO)).isEqualTo(TerminationOutcome.NOT_RUNNING);
    }

    @Test
    void thisJvmIsNeverSignalled() {
      SystemProcessProbe probe = probe();
      ProcessRef self = identified(probe, ProcessHandle.current().pid());

      assertThat(probe.terminate(self, Duration.ZERO)).isEqualTo(TerminationOutcome.FAILED);
    }

    @Test
    void aNegativeGraceIsAProgrammingError() throws Exception {
      SystemProcessProbe probe = probe();
      Child child = echo();
      ProcessRef ref = identified(probe, child.pid());

      assertThatThrownBy(() -> probe.terminate(ref, Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
      child.assertStillAnswers();
    }
  }

  @Nested
  class FakeProc {

    @TempDir Path dir;

    private static final String BOOT = "boot-a";
    private static final long PID = 4242;

    private FakeProcTree tree() {
      return new FakeProcTree(dir, "fakehost", BOOT);
    }

    private SystemProcessProbe fakeProbe() {
      return probe(b -> b.procRoot(dir));
    }

    @Test
    void aCommWithSpacesAndParenthesesKeepsTheRightStartTicks() {
      tree().process(PID, ") S 1 2 (x) y", 'S', 1, 777);
      SystemProcessProbe probe = fakeProbe();

      ProcessRef ref = identified(probe, PID);

      assertThat(ref).isEqualTo(new ProcessRef(PID, "fakehost", BOOT, 777L, null));
      assertThat(probe.probe(ref)).isEqualTo(Liveness.ALIVE);
      assertThat(probe.probe(ref.withStartTicks(778))).isEqualTo(Liveness.RECYCLED);
    }

    @Test
    void hostNameAndBootIdComeFromTheTree() {
      tree();
      SystemProcessProbe probe = fakeProbe();

      assertThat(probe.hostName()).isEqualTo("fakehost");
      assertThat(probe.bootId()).contains(BOOT);
      assertThat(probe.procRoot()).contains(dir);
    }

    @Test
    void zombiesAndVanishedProcessesAreDead() throws Exception {
      FakeProcTree tree = tree().process(PID, "w", 'S', 1, 777);
      SystemProcessProbe probe = fakeProbe();
      ProcessRef ref = identified(probe, PID);

      tree.process(PID, "w", 'Z', 1, 777);
      assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
      assertThat(probe.identify(PID)).isEmpty();

      tree.process(PID, "w", 'X', 1, 777);
      assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);

      Files.delete(tree.statFile(PID));
      Files.delete(tree.statFile(PID).getParent());
      assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
      assertThat(probe.identify(PID)).isEmpty();
    }

    @Test
    void anUnreadableStatIsUnknown() throws Exception {
      FakeProcTree tree = tree().process(PID, "w", 'S', 1, 777);
      SystemProcessProbe probe = fakeProbe();
      ProcessRef ref = identified(probe, PID);
      Files.delete(tree.statFile(PID));
      // A directory in place of the file: the read fails, as permission denied does for users
      // other than root (ProcFsTest covers that case where the tests do not run as root).
      Files.createDirectory(tree.statFile(PID));

      assertThat(probe.probe(ref)).isEqualTo(Liveness.UNKNOWN);
      assertThat(probe.terminate(ref, Duration.ZERO)).isEqualTo(TerminationOutcome.UNKNOWN);
    }

    @Test
    void aMalformedStatIsUnknown() {
      FakeProcTree tree = tree().process(PID, "w", 'S', 1, 777);
      SystemProcessProbe probe = fakeProbe();
      ProcessRef ref = identified(probe, PID);

      for (String garbage :
          List.of(
              "", "\n", "4242 (w) S 1\n", "4242 (w) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16")) {
        tree.stat(PID, garbage);
        assertThat(probe.probe(ref)).as("stat %s", garbage).isEqualTo(Liveness.UNKNOWN);
      }
    }

    @Test
    void anUnreadableProcIsUnknownNotDead() throws Exception {
      FakeProcTree tree = tree().process(PID, "w", 'S', 1, 777);
      SystemProcessProbe probe = fakeProbe();
      ProcessRef ref = identified(probe, PID);

      Files.delete(tree.statFile(PID));
      Files.delete(tree.statFile(PID).getParent());
      Files.delete(tree.statFile(1));
      Files.delete(tree.statFile(1).getParent());
      // pid 1 is gone too: the tree hides processes, so absence proves nothing.
      assertThat(probe.probe(ref)).isEqualTo(Liveness.UNKNOWN);
    }

    @Test
    void aProcRootThatDoesNotExistIsUnknownNotDead() {
      tree().process(PID, "w", 'S', 1, 777);
      SystemProcessProbe probe = fakeProbe();
      ProcessRef ref = identified(probe, PID);
      SystemProcessProbe elsewhere =
          probe(b -> b.procRoot(dir.resolve("gone")).hostName("fakehost"));

      assertThat(elsewhere.probe(ref)).isEqualTo(Liveness.UNKNOWN);
      assertThat(elsewhere.identify(PID)).isEmpty();
    }

    @Test
    void withoutABootIdOnlyRefsWithoutOneCanBeMatched() throws Exception {
      FakeProcTree tree = tree().process(PID, "w", 'S', 1, 777);
      Files.delete(dir.resolve("sys/kernel/random/boot_id"));
      SystemProcessProbe probe = fakeProbe();

      ProcessRef ref = identified(probe, PID);

      assertThat(probe.bootId()).isEmpty();
      assertThat(ref.bootId()).isNull();
      assertThat(probe.probe(ref)).isEqualTo(Liveness.ALIVE);
      // Equal ticks from an unknown boot prove nothing.
      assertThat(probe.probe(ProcessRef.linux(PID, "fakehost", BOOT, 777)))
          .isEqualTo(Liveness.UNKNOWN);
      tree.process(PID, "w", 'S', 1, 778);
      assertThat(probe.probe(ref)).isEqualTo(Liveness.RECYCLED);
    }

    @Test
    void anotherBootAndAnotherHostNeedNoProc() throws Exception {
      tree();
      SystemProcessProbe probe = fakeProbe();
      Files.walk(dir)
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(p -> p.toFile().delete());

      assertThat(probe.probe(ProcessRef.linux(PID, "fakehost", "boot-b", 1)))
          .isEqualTo(Liveness.DEAD);
      assertThat(probe.probe(ProcessRef.linux(PID, "otherhost", BOOT, 1)))
          .isEqualTo(Liveness.UNKNOWN);
      assertThat(probe.probe(ProcessRef.linux(PID, "fakehost", BOOT, 1)))
          .isEqualTo(Liveness.UNKNOWN);
    }
  }

  @Nested
  class Configuration {

    @Test
    void outOfDomainValuesNameTheirField() {
      assertInvalid(b -> b.pollInterval(Duration.ZERO), "pollInterval");
      assertInvalid(b -> b.pollInterval(Duration.ofMillis(-5)), "pollInterval");
      assertInvalid(b -> b.pollInterval(Duration.ofHours(2)), "pollInterval");
      assertInvalid(b -> b.maxEventDrivenRegistrations(-1), "maxEventDrivenRegistrations");
      assertInvalid(b -> b.startInstantTolerance(Duration.ofMillis(-1)), "startInstantTolerance");
      assertInvalid(b -> b.killWait(Duration.ofMillis(-1)), "killWait");
      assertInvalid(b -> b.hostName(" "), "hostName");
    }

    @Test
    void boundaryValuesAreAccepted() {
      SystemProcessProbe probe =
          probe(
              b ->
                  b.pollInterval(Duration.ofMillis(1))
                      .maxEventDrivenRegistrations(0)
                      .startInstantTolerance(Duration.ZERO)
                      .killWait(Duration.ZERO)
                      .clock(SystemClock.instance()));
      assertThat(probe.hostName()).isNotBlank();
      assertThat(probe(b -> b.pollInterval(Duration.ofHours(1)))).isNotNull();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
      assertThat(SystemProcessProbe.DEFAULT_POLL_INTERVAL).isEqualTo(Duration.ofSeconds(1));
      assertThat(SystemProcessProbe.DEFAULT_MAX_EVENT_DRIVEN_REGISTRATIONS).isEqualTo(1_000);
      assertThat(SystemProcessProbe.DEFAULT_PROC_ROOT).isEqualTo(Path.of("/proc"));
    }

    private void assertInvalid(UnaryOperator<SystemProcessProbe.Builder> options, String field) {
      assertThatThrownBy(() -> probe(options))
          .isInstanceOfSatisfying(
              InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo(field));
    }
  }
}
