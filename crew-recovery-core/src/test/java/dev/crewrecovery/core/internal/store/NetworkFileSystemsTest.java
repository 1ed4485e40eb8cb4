package dev.crewrecovery.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkFileSystemsTest {
  @Test
  void recognisesNetworkTypes() {
    for (String t :
        new String[] {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "NFS"}) {
      assertThat(NetworkFileSystems.isNetwork(t)).as(t).isTrue();
    }
    for (String t :
        new String[] {"ext4", "xfs", "btrfs", "tmpfs", "apfs", "NTFS", "zfs", "overlay"}) {
      assertThat(NetworkFileSystems.isNetwork(t)).as(t).isFalse();
    }
  }

  @Test
  void theTestDirectoryIsLocal(@TempDir Path dir) throws Exception {
    assertThat(NetworkFileSystems.isNetwork(Files.getFileStore(dir).type())).isFalse();
  }
}
