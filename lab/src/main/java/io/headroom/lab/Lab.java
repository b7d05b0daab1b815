package io.headroom.lab;

import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The growth lab's command line ({@code ./headroom lab ...}): {@code run} a scenario, {@code fit} the capacity
 * model to measurements, {@code compare} two runs, write the proof suite's {@code results} page. Exit status: 0 when
 * every verdict held, 1 when one failed or the run could not be done, 2 for a mistake on the command line or in the
 * scenario.
 */
@Command(name = "lab", mixinStandardHelpOptions = true, version = "headroom lab 0.1.0", subcommands = {RunCommand.class, FitCommand.class, CompareCommand.class, ResultsCommand.class},
        description = "The growth lab: open-model load, faults, capacity model, drift, report and verdict.")
public final class Lab implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run, fit, compare or results");
    }

    public static void main(String[] args) {
        // Netty's leak detector samples one buffer in 128 and records a stack trace for it: a debugging aid that
        // cost the generator a few hundred stack traces a second under load. The tests keep it on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(execute(args));
    }

    /** Runs the command line in this JVM and returns its exit status (for tests and embedding). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Lab());
        // One line for a mistake, and exit 2: the launcher's convention.
        cli.setParameterExceptionHandler((e, a) -> {
            System.err.println("lab: " + e.getMessage() + "; run './headroom lab --help'");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                System.err.println("lab: " + e.getMessage());
                return 2;
            }
            System.err.println("lab: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli;
    }
}
