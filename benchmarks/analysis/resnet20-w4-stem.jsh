// ResNet-20 at W4: the stem conv2d_1 alone quantized, without and with OCS r = 0.01 — error at its output, after its
// batch norm and at the logits, and how much of it is a per-channel mean shift. Run from the repo root:
// bin/ocs4j-jshell benchmarks/analysis/resnet20-w4-stem.jsh   (about 1 minute; output in results/README.md)
import org.ocs4j.rewrite.*;
import org.ocs4j.graph.*;
var net = (ComputationGraph) Ocs.load(Path.of("../shared/datasets/models/cifar10_resnet20/cifar10_ResNet20v1_model.h5"));
var images = ImageFolders.open(Path.of("../shared/datasets/cifar10/test"), null, null).sample(500, 7);
var pre = ImagePreprocessing.resize(32, 32, Normalization.UNIT).withLayout(org.deeplearning4j.nn.conf.CNN2DFormat.NHWC);
var x = images.iterator(pre, 500).next().getFeatures();
var base = OcsConfig.builder().weightBits(4).activationBits(0);
var none = Ocs.of(net).config(base.expandRatio(0).build()).quantize();
var ocs = Ocs.of(net).config(base.expandRatio(0.01).build()).quantize();
var split = ocs.report().widening().layers().stream().filter(l -> l.layer().equals("conv2d_1")).findFirst().get();
var w = net.getLayer("conv2d_1").getParam("W");
var effOcs = split.effective(NodeKind.CONV, ocs.model().getLayer("conv2d_1").getParam("W"), w.shape());
var effNone = none.model().getLayer("conv2d_1").getParam("W");
System.out.println("conv2d_1 W shape " + java.util.Arrays.toString(w.shape()) + ", split input channel " + java.util.Arrays.toString(split.splitChannels()));
String bnAfter = "batch_normalization_1";
var ref = Networks.activations(net, x, false);
void report(String label, INDArray eff) {
  var m = net.clone();
  m.getLayer("conv2d_1").getParam("W").assign(eff);
  var act = Networks.activations(m, x, false);
  for (String n : new String[]{"conv2d_1", bnAfter, "dense_1"}) {
    var y0 = ref.get(n).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    var d = act.get(n).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(y0);
    double total = d.mul(d).sumNumber().doubleValue(), signal = y0.mul(y0).sumNumber().doubleValue();
    String dc = "";
    if (d.rank() == 4) { // NHWC: per channel mean error over images and positions
      var mean = d.mean(0, 1, 2);
      double dcEnergy = mean.mul(mean).sumNumber().doubleValue() * d.size(0) * d.size(1) * d.size(2);
      dc = String.format(", of which per-channel mean shift %.1f %%", 100 * dcEnergy / total);
    }
    System.out.printf("%-9s %-22s relative error %.4g%s%n", label, n, total / signal, dc);
  }
  var dW = eff.sub(w).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
  var gain = dW.sum(1, 2, 3); // per output channel: the filter's response error to a constant input (DC gain)
  System.out.printf("%-9s conv2d_1 weight error energy %.4f, DC-gain error energy (sum over taps, per output channel) %.4f%n", label, dW.mul(dW).sumNumber().doubleValue(), gain.mul(gain).sumNumber().doubleValue());
}
report("none", effNone);
report("ocs:0.01", effOcs);
/exit
