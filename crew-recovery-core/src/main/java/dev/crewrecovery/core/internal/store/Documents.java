package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.UnsupportedSchemaException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads whole JSON documents with the store's rules: the size is checked before reading; a file
 * that is not valid JSON, fails validation, has a bad schema version or is over the cap is moved to
 * quarantine and reported as {@link CorruptStateException}; a newer schema version is an {@link
 * UnsupportedSchemaException} and the file stays; any other I/O failure is a {@link
 * StoreIoException} and nothing moves.
 *
 * <p>A file is only moved under the lock that guards its writers, after reading it again there, so
 * a reader racing a writer never quarantines a file that was just replaced by a good one.
 */
final class Documents {
  private final Quarantine quarantine;
  private final long cap;

  Documents(Quarantine quarantine, long cap) {
    this.quarantine = quarantine;
    this.cap = cap;
  }

  /** Decodes the bytes of one document. */
  interface Decoder<T> {
    T decode(byte[] bytes) throws BadContentException, NewerSchemaException;
  }

  /** What was wrong with a file, before it is moved. */
  private static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    Problem(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads a document.
   *
   * @param lock takes the writers' lock before quarantining; returns null when the caller already
   *     holds it
   * @return the document, or null when the file does not exist
   */
  <T> @Nullable T read(
      Path file, String label, Decoder<T> decoder, Supplier<FileLocks.@Nullable Held> lock) {
    try {
      return attempt(file, decoder);
    } catch (Problem first) {
      try (FileLocks.Held held = lock.get()) {
        try {
          return attempt(file, decoder);
        } catch (Problem again) {
          throw quarantine(file, label, again);
        }
      }
    }
  }

  private <T> @Nullable T attempt(Path file, Decoder<T> decoder) throws Problem {
    byte[] bytes;
    try {
      bytes = FileIo.readCapped(file, cap);
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileIo.TooLargeException e) {
      throw new Problem(String.valueOf(e.getMessage()), null);
    } catch (IOException e) {
      throw new StoreIoException("reading " + file + ": " + e, e);
    }
    try {
      return decoder.decode(bytes);
    } catch (BadContentException e) {
      throw new Problem(String.valueOf(e.getMessage()), e.getCause());
    } catch (NewerSchemaException e) {
      throw new UnsupportedSchemaException(file.toString(), e.found(), Json.SCHEMA_VERSION);
    }
  }

  /** Moves a corrupt file aside and returns the exception to throw. Caller holds the lock. */
  CorruptStateException quarantine(Path file, String label, Exception problem) {
    String message = String.valueOf(problem.getMessage());
    Path target;
    try {
      target = quarantine.moveAside(file, label);
    } catch (NoSuchFileException e) {
      return new CorruptStateException(
          file.toString(), null, message + "; it vanished before it could be moved", problem);
    } catch (IOException e) {
      return new CorruptStateException(
          file.toString(), null, message + "; moving it to quarantine failed: " + e, problem);
    }
    System.getLogger(Documents.class.getName())
        .log(System.Logger.Level.WARNING, "{0}: {1}; moved to {2}", file, message, target);
    return new CorruptStateException(
        file.toString(), target.toString(), message, problem.getCause());
  }
}
