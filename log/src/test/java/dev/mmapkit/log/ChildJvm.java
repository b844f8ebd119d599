package dev.mmapkit.log;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Starts a test main class in a fresh JVM on the class path, with native access. */
final class ChildJvm {
  private ChildJvm() {}

  static String classPath() {
    // Surefire runs the tests on the module path; the child gets the same jars on its class path.
    List<String> entries = new ArrayList<>();
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property, "");
      for (String e : value.split(File.pathSeparator)) if (!e.isBlank()) entries.add(e);
    }
    return String.join(File.pathSeparator, entries);
  }

  static Process start(Class<?> main, String... args) throws IOException {
    return new ProcessBuilder(command(main, args))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  static List<String> command(Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classPath());
    command.add(main.getName());
    command.addAll(List.of(args));
    return command;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
