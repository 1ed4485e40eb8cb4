package dev.crewrecovery.api;

/** What a {@link dev.crewrecovery.api.spi.ProcessProbe} says of a {@link ProcessRef}. */
public enum Liveness {
  /** The process with this identity runs. */
  ALIVE,
  /** The process is gone (or a zombie, or from an earlier boot of this host). */
  DEAD,
  /** The pid now belongs to another process: the original is gone. Treated as dead. */
  RECYCLED,
  /** Unknown: no permission, unsupported platform, or another host. Never evidence of death. */
  UNKNOWN;

  /** Returns whether this answer is process evidence of death (DEAD or RECYCLED). */
  public boolean isDead() {
    return this == DEAD || this == RECYCLED;
  }
}
