package dev.crewrecovery.testkit.properties;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the engine's logs out of the build output: thousands of simulated hosts log their start
 * (INFO) and the fencing these tests provoke on purpose (WARNING). Errors still show.
 */
final class Quiet {
  // Held strongly: java.util.logging keeps loggers weakly, and a collected one forgets its level.
  private static final Logger ROOT = Logger.getLogger("dev.crewrecovery");

  private Quiet() {}

  static void engineLogs() {
    ROOT.setLevel(Level.SEVERE);
  }
}
