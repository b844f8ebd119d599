package dev.mmapkit.bench;

import java.util.List;

/**
 * The JVM flags Chronicle Map and Chronicle Queue need to run on JDK 25, given only to the forks
 * that run them as anchors (never to mmapkit's own benchmarks, which need none), with Chronicle's
 * analytics switched off.
 */
public final class ChronicleFlags {
  private ChronicleFlags() {}

  /** The flags, from Chronicle's Java 21 notes. */
  public static final List<String> JVM_ARGS =
      List.of(
          "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "-Dchronicle.analytics.disable=true",
          "-Ddisable.resource.warning=true");
}
