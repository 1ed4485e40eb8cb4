package dev.crewrecovery.core.internal.store;

import java.util.Locale;
import java.util.Set;

/**
 * Recognises network file systems by the type name {@code FileStore.type()} reports. Advisory locks
 * there are unreliable (lost on reconnect, emulated, or local to one client), so the store refuses
 * such a root unless told otherwise.
 */
final class NetworkFileSystems {
  private static final Set<String> TYPES =
      Set.of(
          "nfs",
          "nfs4",
          "nfsd",
          "cifs",
          "smb",
          "smb2",
          "smb3",
          "smbfs",
          "sshfs",
          "fuse.sshfs",
          "9p",
          "afs",
          "ncpfs",
          "coda",
          "ceph",
          "fuse.ceph",
          "cephfs",
          "glusterfs",
          "fuse.glusterfs",
          "lustre",
          "gpfs",
          "beegfs",
          "ocfs2",
          "gfs2",
          "davfs",
          "fuse.davfs2",
          "fuse.s3fs",
          "fuse.rclone",
          "fuse.gcsfuse",
          "webdav",
          "afpfs",
          "vboxsf",
          "prl_fs",
          "vmhgfs",
          "fuse.vmhgfs-fuse");

  private NetworkFileSystems() {}

  /** Whether a file store type names a network (or host-shared) file system. */
  static boolean isNetwork(String type) {
    return TYPES.contains(type.toLowerCase(Locale.ROOT));
  }
}
