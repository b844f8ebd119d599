package dev.mmapkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mmapkit log stat|tail}: looks at an append log from outside. */
@Command(
    name = "log",
    description = "Look at an append log: stat, tail.",
    subcommands = {LogStatCommand.class, LogTailCommand.class})
final class LogCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }
}
