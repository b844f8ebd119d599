package dev.mmapkit.cli;

import dev.mmapkit.internal.MappedFaults;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception thrown by a command into one line on stderr and exit code 1. Users of a
 * command line tool need the file and the problem, not a stack trace; {@code --verbose} adds it for
 * bug reports.
 */
final class ErrorReport implements IExecutionExceptionHandler {

  /** Exit code for a runtime error (picocli uses 2 for usage errors). */
  static final int RUNTIME_ERROR = 1;

  /**
   * Runs the command as picocli does by default, but reports a fault in a mapped access (the JDK's
   * {@code InternalError}: another process shrank a file while this one read it through a mapping)
   * like any other error, instead of letting the {@code Error} end the JVM with a stack trace.
   */
  static int runReportingFaults(ParseResult parsed) {
    try {
      return new CommandLine.RunLast().execute(parsed);
    } catch (InternalError fault) {
      if (!MappedFaults.isMappedAccessFault(fault)) throw fault; // a JVM bug
      String message = fault.getMessage();
      throw new CommandLine.ExecutionException(
          parsed.commandSpec().commandLine(),
          message,
          new IOException(
              "a file shrank while this command read it through a mapping (another process"
                  + " truncated it?): "
                  + message,
              fault));
    }
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    err.println("mmapkit: " + describe(e));
    if (verbose(parsed)) e.printStackTrace(err);
    err.flush();
    return RUNTIME_ERROR;
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult r = parsed; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) return true;
    }
    return false;
  }

  /** A one-line description of {@code e} that names the file when there is one. */
  static String describe(Throwable e) {
    if (e instanceof UncheckedIOException u && u.getCause() != null) e = u.getCause();
    String message;
    if (e instanceof NoSuchFileException n && n.getReason() == null) {
      message = n.getFile() + ": no such file";
    } else if (e instanceof AccessDeniedException a && a.getReason() == null) {
      message = a.getFile() + ": permission denied";
    } else if (e instanceof FileSystemException f && f.getReason() == null) {
      message = f.getFile() + ": " + e.getClass().getSimpleName();
    } else if (e.getMessage() == null || e.getMessage().isBlank()) {
      message = e.getClass().getSimpleName();
    } else {
      message = e.getMessage();
    }
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
