package dev.crewrecovery.testkit.properties;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Keeps the engine's INFO logs (a session start per simulated host) out of the build output. */
final class Quiet {
  // Held strongly: java.util.logging keeps loggers weakly, and a collected one forgets its level.
  private static final Logger ROOT = Logger.getLogger("dev.crewrecovery");

  private Quiet() {}

  static void engineLogs() {
    ROOT.setLevel(Level.WARNING);
  }
}
