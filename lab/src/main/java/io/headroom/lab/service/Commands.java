package io.headroom.lab.service;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The commands a scenario names (the target's, a command fault's): {@code ${NAME}} references filled in, run with their output logged. */
public final class Commands {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_.-]*)}");

    private Commands() {
    }

    /**
     * {@code ${java}} is the java binary running the lab; any other {@code ${NAME}} comes from {@code defines} (the
     * run's {@code --define NAME=VALUE}). A name no define gives is an error naming it.
     */
    public static List<String> expand(List<String> command, Map<String, String> defines) {
        return command.stream().map(part -> REFERENCE.matcher(part).replaceAll(m -> {
            String name = m.group(1);
            String value = name.equals("java") ? ProcessHandle.current().info().command().orElse("java") : defines.get(name);
            if (value == null) {
                throw new IllegalArgumentException("the scenario's command " + command + " uses ${" + name + "}, which no --define " + name
                        + "=VALUE gives");
            }
            return Matcher.quoteReplacement(value);
        })).toList();
    }

    /**
     * Runs {@code command} to its end (at most {@code seconds}), its output appended to {@code log}; returns null when
     * it exited 0, else what went wrong.
     */
    static String run(List<String> command, Path log, long seconds) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return command + " did not finish within " + seconds + " s; see " + log;
            }
            return p.exitValue() == 0 ? null : command + " exited with " + p.exitValue() + "; see " + log;
        } catch (IOException e) {
            return command + " could not be started: " + e.getMessage();
        }
    }
}
