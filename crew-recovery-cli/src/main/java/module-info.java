/** The crew-recovery operator command and demo, built on picocli. */
module dev.crewrecovery.cli {
  requires dev.crewrecovery.core;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;
  // The demo narrates the engine's System.Logger records, which java.util.logging backs.
  requires java.logging;
  requires static org.jspecify;

  // picocli reads and sets the annotated command fields reflectively.
  opens dev.crewrecovery.cli to
      info.picocli;
  opens dev.crewrecovery.cli.internal.ops to
      info.picocli;
  opens dev.crewrecovery.cli.internal.demo to
      info.picocli;
}
