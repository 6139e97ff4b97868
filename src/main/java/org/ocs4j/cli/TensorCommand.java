package org.ocs4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ocs4j.io.ModelFiles;
import org.ocs4j.io.NpyFiles;
import org.ocs4j.quant.Clip;
import org.ocs4j.quant.FixedPointGrid;
import org.ocs4j.quant.TensorAnalysis;
import org.ocs4j.quant.TensorStatistics;
import org.ocs4j.split.SplitOptions;
import org.ocs4j.split.SplitResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ocs4j tensor IN.npy --bits B}: clip values and SQNR of one tensor under every method, as JSON. */
@Command(name = "tensor", mixinStandardHelpOptions = true,
        description = "Print, as JSON, the clip value of every method (none, max, mse, aciq, kl, percentile) for a"
                + " float .npy tensor at B bits and the SQNR of each; with --expand-ratio the tensor is split along"
                + " --axis first, and --out writes the split tensor.")
final class TensorCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "float32 or float64 .npy tensor")
    Path input;

    @Option(names = "--bits", required = true, description = "bit width, 2..16")
    int bits;

    @Option(names = "--axis", defaultValue = "0", description = "channel axis to split along (default 0)")
    int axis;

    @Option(names = "--expand-ratio", defaultValue = "0", description = "fraction of channels to split, in [0, 1]")
    double expandRatio;

    @Option(names = "--grid-aware", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "grid-aware halves on each method's grid (default on)")
    boolean gridAware;

    @Option(names = "--clip", defaultValue = "none", description = "grid of the split written by --out")
    String clip;

    @Option(names = "--out", description = "write the split tensor here (.npy)")
    Path out;

    @Override
    public Integer call() throws Exception {
        FixedPointGrid.signed(bits);
        if (out != null) {
            ModelFiles.requireNotInput(out, input);
        }
        INDArray tensor = NpyFiles.readFloating(input);
        List<TensorAnalysis.MethodResult> results = TensorAnalysis.analyze(tensor, bits, axis, expandRatio, gridAware);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", input.toString());
        json.put("shape", tensor.shape());
        json.put("dtype", tensor.dataType().toString());
        json.put("bits", bits);
        json.put("expandRatio", expandRatio);
        if (expandRatio > 0) {
            json.put("axis", axis);
            json.put("gridAware", gridAware);
        }
        Map<String, Object> methods = new LinkedHashMap<>();
        for (TensorAnalysis.MethodResult r : results) {
            methods.put(r.method().name().toLowerCase(), Map.of("alpha", r.alpha(), "sqnrDb", r.sqnrDb()));
        }
        json.put("methods", methods);
        if (out != null) {
            Clip method = Clip.parse(clip);
            SplitResult plain = TensorAnalysis.split(tensor, axis, expandRatio, SplitOptions.PLAIN);
            SplitResult written = plain;
            if (gridAware && expandRatio > 0) {
                double alpha = method.estimate(TensorStatistics.of(plain.weights()), bits).alpha();
                written = TensorAnalysis.split(tensor, axis, expandRatio,
                        SplitOptions.PLAIN.withGridScale(FixedPointGrid.signed(bits).scale(alpha)));
            }
            NpyFiles.write(written.weights(), out);
            json.put("out", out.toString());
            json.put("splitChannels", written.plan().origin());
        }
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        return 0;
    }
}
