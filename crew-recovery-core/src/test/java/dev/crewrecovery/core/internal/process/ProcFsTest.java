package dev.crewrecovery.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {

  @TempDir Path dir;

  private FakeProcTree tree() {
    return new FakeProcTree(dir, "fakehost", "boot-a");
  }

  @Test
  void readsHostNameAndBootId() {
    ProcFs fs = new ProcFs(tree().root());

    assertThat(fs.hostName()).contains("fakehost");
    assertThat(fs.bootId()).contains("boot-a");
  }

  @Test
  void missingHostNameAndBootIdAreEmpty() throws Exception {
    Files.createDirectories(dir.resolve("sys/kernel/random"));
    Files.writeString(dir.resolve("sys/kernel/hostname"), "  \n");
    ProcFs fs = new ProcFs(dir);

    assertThat(fs.hostName()).isEmpty();
    assertThat(fs.bootId()).isEmpty();
  }

  @Test
  void presentProcess() {
    FakeProcTree tree = tree().process(4242, "a) b (c", 'S', 1, 777);

    StatRead read = new ProcFs(tree.root()).readStat(4242);

    assertThat(read).isEqualTo(new StatRead.Present(new ProcStat(4242, "a) b (c", 'S', 1, 777)));
  }

  @Test
  void absentPidIsMissingWhenPidOneIsVisible() {
    assertThat(new ProcFs(tree().root()).readStat(4242)).isInstanceOf(StatRead.Missing.class);
  }

  @Test
  void absentPidIsUnreadableWhenProcHidesPidOne() throws Exception {
    FakeProcTree tree = tree();
    Files.delete(tree.statFile(1));
    Files.delete(tree.statFile(1).getParent());

    assertThat(new ProcFs(tree.root()).readStat(4242)).isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void aMissingRootIsUnreadableNotMissing() {
    assertThat(new ProcFs(dir.resolve("no-such-proc")).readStat(4242))
        .isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void aRootThatIsAFileIsUnreadable() throws Exception {
    Path file = Files.writeString(dir.resolve("proc"), "not a directory");

    assertThat(new ProcFs(file).readStat(4242)).isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void aPidDirectoryWithoutStatIsUnreadable() throws Exception {
    Files.createDirectories(tree().root().resolve("4242"));

    assertThat(new ProcFs(dir).readStat(4242)).isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void aStatThatCannotBeReadIsUnreadable() throws Exception {
    // A directory in place of the file fails every read, for root too.
    Files.createDirectories(tree().statFile(4242));

    StatRead read = new ProcFs(dir).readStat(4242);

    assertThat(read).isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void permissionDeniedIsUnreadable() throws Exception {
    FakeProcTree tree = tree().process(4242, "w", 'S', 1, 5);
    Path stat = tree.statFile(4242);
    Files.setPosixFilePermissions(stat, PosixFilePermissions.fromString("---------"));
    // root reads files whatever their mode; the case is then covered by the test above.
    assumeThat(Files.isReadable(stat)).as("running as a user that mode 000 stops").isFalse();

    StatRead read = new ProcFs(dir).readStat(4242);

    assertThat(read).isInstanceOf(StatRead.Unreadable.class);
    assertThat(((StatRead.Unreadable) read).reason()).contains("permission denied");
  }

  @Test
  void accessDeniedIsUnreadableEvenForRoot() {
    FakeProcTree tree = tree().process(4242, "w", 'S', 1, 5);
    ProcFs fs =
        new ProcFs(
            dir,
            file -> {
              throw new AccessDeniedException(file.toString());
            });

    StatRead read = fs.readStat(4242);

    assertThat(read).isInstanceOf(StatRead.Unreadable.class);
    assertThat(((StatRead.Unreadable) read).reason())
        .contains("permission denied")
        .contains(tree.statFile(4242).toString());
    assertThat(fs.readStat(4343)).isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void aReadFailingBecauseTheProcessExitedIsMissingOnceItsDirectoryIsGone() {
    tree().process(4242, "w", 'S', 1, 5);
    // What reading the stat of a process that exits mid-read gives (ESRCH).
    ProcFs fs =
        new ProcFs(
            dir,
            file -> {
              throw new IOException("No such process");
            });

    assertThat(fs.readStat(4242)).isInstanceOf(StatRead.Unreadable.class);
    assertThat(fs.readStat(4343)).isInstanceOf(StatRead.Missing.class);
  }

  @Test
  void malformedStatIsUnreadable() {
    tree().stat(4242, "4242 (w) S 1 2 3\n");

    assertThat(new ProcFs(dir).readStat(4242)).isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void aStatNamingAnotherPidIsUnreadable() {
    tree().stat(4242, FakeProcTree.statLine(4343, "w", 'S', 1, 5));

    assertThat(new ProcFs(dir).readStat(4242)).isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void anOversizedStatIsUnreadable() {
    tree().stat(4242, FakeProcTree.statLine(4242, "x".repeat(ProcFs.MAX_FILE_BYTES), 'S', 1, 5));

    assertThat(new ProcFs(dir).readStat(4242)).isInstanceOf(StatRead.Unreadable.class);
  }

  @Test
  void readsTheRealProcOfThisJvm() {
    Path proc = Path.of("/proc");
    assumeThat(Files.isDirectory(proc.resolve("self"))).as("a Linux /proc").isTrue();
    long self = ProcessHandle.current().pid();

    StatRead read = new ProcFs(proc).readStat(self);

    assertThat(read).isInstanceOf(StatRead.Present.class);
    ProcStat stat = ((StatRead.Present) read).stat();
    assertThat(stat.pid()).isEqualTo(self);
    assertThat(stat.state()).isNotIn('Z', 'X');
    assertThat(new ProcFs(proc).bootId()).isPresent();
  }
}
