package dev.crewrecovery.cli.internal.demo;

/**
 * A scenario of the demo could not go on (a child did not answer in time, a signal could not be
 * sent, the engine did not react within its deadline). The scenario's row then reports it as an
 * unexpected outcome; the demo goes on with the next scenario.
 */
final class DemoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DemoException(String message) {
    super(message);
  }
}
