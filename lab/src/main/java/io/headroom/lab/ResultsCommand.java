package io.headroom.lab;

import io.headroom.lab.proof.ProofVerdict;
import io.headroom.lab.proof.ResultsPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code lab results DIR}: the results page of the proof suite (Markdown) from the {@code verdict-N.json} files its
 * tests wrote under DIR (one folder per test). A verdict named by {@code --expect} that did not run is listed as not run.
 */
@Command(name = "results", mixinStandardHelpOptions = true, description = "Write the proof suite's results page from its verdict files.")
final class ResultsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "the folder holding one folder per verdict (e.g. app/target/proof)")
    Path dir;

    @Option(names = "--out", description = "the Markdown file to write (default: print it)")
    Path out;

    @Option(names = "--expect", split = ",", description = "the verdict numbers the suite has, to list those without a result as not run")
    List<Integer> expected = List.of();

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder of verdicts; run the proof suite first (./headroom proof)");
        }
        JsonMapper json = JsonMapper.builder().build();
        List<ProofVerdict> verdicts = new ArrayList<>();
        try (Stream<Path> files = Files.find(dir, 2, (p, a) -> a.isRegularFile() && p.getFileName().toString().matches("verdict-\\d+\\.json"))) {
            for (Path f : files.toList()) {
                verdicts.add(json.readValue(f.toFile(), ProofVerdict.class));
            }
        }
        if (verdicts.isEmpty()) {
            throw new IllegalArgumentException("no verdict-N.json under " + dir + "; run the proof suite first (./headroom proof)");
        }
        verdicts.sort(Comparator.comparingInt(ProofVerdict::number).thenComparing(ProofVerdict::name));
        String page = ResultsPage.markdown(verdicts, expected, dir);
        if (out == null) {
            System.out.print(page);
        } else {
            Files.writeString(out, page);
            System.err.printf("lab: wrote %s (%d verdicts, %d passed)%n", out, verdicts.size(), verdicts.stream().filter(ProofVerdict::passed).count());
        }
        return verdicts.stream().allMatch(ProofVerdict::passed) ? 0 : 1;
    }
}
