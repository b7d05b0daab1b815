package io.headroom.proof;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The app as the proof starts it: Spring Boot's executable jar extracted ({@code java -Djarmode=tools -jar ... extract})
 * with a JVM AOT cache (JEP 483/514, Java 25) made by one training run that exits once the application context has
 * refreshed ({@code -Dspring.context.exit=onRefresh}), as Spring Boot's "AOT Cache" reference describes. The suite
 * starts the app about two dozen times (thirteen in the crash proof alone); measured 2026-12-07 on this project's
 * 2-core machine, idle, three starts each, time to a healthy {@code /actuator/health}: fat jar 7.7-9.5 s, extracted
 * 6.1-7.2 s, extracted with the cache 3.4-4.3 s.
 *
 * <p>Made once per build under {@code app/target/aot/}, again when the jar or the JDK changed. A cache the JVM cannot
 * use (other flags) only costs the speed: the JVM says so in the app's log and starts without it. On a JDK before 25
 * (the launcher accepts 21) there is no {@code -XX:AOTCacheOutput}: the app then starts from its jar as it is.
 */
final class AppImage {

    /** Whether this JDK makes AOT caches in one training run (JEP 514, Java 25). */
    static final boolean SUPPORTED = Runtime.version().feature() >= 25;
    static final Path DIR = ProofSystem.ROOT.resolve("app/target/aot");
    static final Path CACHE = DIR.resolve("app.aot");
    /** The jar the app starts from: the extracted one, or without a cache the fat jar. */
    static final Path JAR = SUPPORTED ? DIR.resolve("headroom-app.jar") : ProofSystem.APP_JAR;
    private static final Path STAMP = DIR.resolve("made-from");

    /** The JVM options every start of the app uses; the training run uses them too, as the cache requires. */
    static final List<String> JVM_OPTIONS = List.of("-Xmx1g");

    private AppImage() {
    }

    /** What the cache was made from: the fat jar (size, time) and the JDK. */
    private static String source() throws IOException {
        return ProofSystem.APP_JAR + " " + Files.size(ProofSystem.APP_JAR) + " " + Files.getLastModifiedTime(ProofSystem.APP_JAR).toMillis()
                + " " + ProofSystem.java() + " " + Runtime.version();
    }

    /**
     * Extracts the jar and trains the cache if they are missing or stale. The training run starts the app with
     * {@code arguments} up to its refreshed context (which migrates the database they name, as the app's first start
     * would) and exits: it serves nothing and calls nothing outside.
     */
    static synchronized void prepare(List<String> arguments, Path log) throws IOException, InterruptedException {
        if (!SUPPORTED) {
            return;
        }
        String source = source();
        if (Files.isRegularFile(STAMP) && Files.readString(STAMP).equals(source) && Files.isRegularFile(JAR) && Files.isRegularFile(CACHE)) {
            return;
        }
        Files.createDirectories(DIR);
        Files.deleteIfExists(STAMP);
        Files.deleteIfExists(CACHE);
        run(List.of(ProofSystem.java(), "-Djarmode=tools", "-jar", ProofSystem.APP_JAR.toString(), "extract", "--destination",
                DIR.toString(), "--force"), log);
        List<String> training = new ArrayList<>(List.of(ProofSystem.java()));
        training.addAll(JVM_OPTIONS);
        training.addAll(List.of("-XX:AOTCacheOutput=" + CACHE, "-Dspring.context.exit=onRefresh", "-jar", JAR.toString()));
        training.addAll(arguments);
        run(training, log);
        if (!Files.isRegularFile(CACHE)) {
            throw new IllegalStateException("the training run wrote no AOT cache at " + CACHE + "; see " + log);
        }
        Files.writeString(STAMP, source);
    }

    /** {@code java <options> -XX:AOTCache=... -jar <extracted jar>}: the start of the app's command line. */
    static List<String> command() {
        List<String> command = new ArrayList<>(List.of(ProofSystem.java()));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of(cacheOption(), "-jar", JAR.toString()));
        return command;
    }

    /** The JVM option that starts the app from its cache; without one, {@code -Xshare:auto}, which is the default. */
    static String cacheOption() {
        return SUPPORTED ? "-XX:AOTCache=" + CACHE : "-Xshare:auto";
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 5 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + "; see " + log);
        }
    }
}
