package org.ocs4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code ocs4j} command line and its one error path: an error in the user's input ends with a one-line reason on
 * stderr naming the value and what to do, exit code 1 (2 for bad arguments); an internal error names the command and
 * how to see its stack trace ({@code OCS4J_DEBUG=1}); results go to stdout.
 */
@Command(name = "ocs4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Outlier Channel Splitting for Deeplearning4j models (Zhao et al., ICML 2019).",
        subcommands = {ZooCommand.class, WidenCommand.class, EvalCommand.class, QuantizeCommand.class, SweepCommand.class, InspectCommand.class, TensorCommand.class, TrainCommand.class,
                DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** {@code OCS4J_DEBUG=1}: every error also prints its stack trace. */
    static final boolean DEBUG = "1".equals(System.getenv("OCS4J_DEBUG"))
            || "true".equalsIgnoreCase(System.getenv("OCS4J_DEBUG"));

    private static final String OUT_OF_MEMORY = "out of memory: use a smaller --batch, or give the JVM more with"
            + " OCS4J_JAVA_OPTS (default -Xmx4g and JavaCPP's off-heap limits -Dorg.bytedeco.javacpp.maxbytes=8g"
            + " -Dorg.bytedeco.javacpp.maxphysicalbytes=14g)";

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests and jshell). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String command = "ocs4j " + commandLine.getCommandName();
            if (DEBUG) {
                e.printStackTrace(commandLine.getErr());
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                commandLine.getErr().println(command + ": error: " + e.getMessage());
            } else if (e.getCause() instanceof OutOfMemoryError || e.getMessage() != null
                    && e.getMessage().contains("Cannot allocate")) { // JavaCPP's off-heap limit
                commandLine.getErr().println(command + ": " + OUT_OF_MEMORY + " (" + e.getMessage() + ")");
            } else {
                commandLine.getErr().println(command + ": internal error: " + e + (DEBUG ? ""
                        : " — rerun with OCS4J_DEBUG=1 for the stack trace, and report it with the command line"));
            }
            return 1;
        });
        cli.setParameterExceptionHandler(Main::badArguments);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            cli.getErr().println("ocs4j: " + OUT_OF_MEMORY + " (" + e.getMessage() + ")");
            return 1;
        }
    }

    /**
     * One line for bad arguments (exit 2), with picocli's suggestions. A misspelt option is reported as unknown even
     * when picocli found a required option missing first (the misspelling is usually why it is missing).
     */
    private static int badArguments(CommandLine.ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        CommandLine.ParameterException shown = ex;
        if (ex instanceof CommandLine.MissingParameterException) {
            java.util.List<String> unknown = java.util.Arrays.stream(args)
                    .filter(a -> a.startsWith("-") && !a.matches("-[0-9.].*"))
                    .filter(a -> !c.getCommandSpec().optionsMap().containsKey(a.split("=", 2)[0])).toList();
            if (!unknown.isEmpty()) {
                shown = new CommandLine.UnmatchedArgumentException(c, unknown);
            }
        }
        java.io.PrintWriter err = c.getErr();
        String command = "ocs4j" + (c.getCommandName().equals("ocs4j") ? "" : " " + c.getCommandName());
        String hint = shown instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                ? " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)" : "";
        err.println(command + ": " + shown.getMessage() + hint + "; see " + command + " --help");
        return 2;
    }

    /** Reads the version from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws Exception {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/org/ocs4j/version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"ocs4j " + p.getProperty("ocs4j.version", "unknown") + " (DL4J "
                    + p.getProperty("dl4j.version", "unknown") + ")"};
        }
    }
}
