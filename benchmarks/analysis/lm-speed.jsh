// Language-model speed on WikiText-2 (33,278 words): what the vocabulary-sized arrays cost. Run from the repo root,
// the machine otherwise idle: bin/ocs4j-jshell benchmarks/analysis/lm-speed.jsh   (about 3 minutes on 2 cores;
// output in benchmarks/results/README.md). Three parts:
//  1. training: 30 windows of 32 x 35 tokens of the tied 2 x 128 model (FusedLstmLanguageModel), three passes;
//  2. perplexity: the first 20,000 validation tokens, batch 1, window 350, fast executor (a random tied model);
//  3. the fast executor's forward of 8 x 350 PTB tokens (what calibration runs) against DL4J's output().
import org.ocs4j.train.*;
import org.ocs4j.exec.*;
import org.ocs4j.eval.PerplexityEvaluator;
import org.nd4j.linalg.ops.transforms.Transforms;
var wiki = WordCorpus.wikiText2(Path.of("../shared/datasets/wikitext-2"));
int windows = 30;
var part = java.util.Arrays.copyOf(wiki.tokens("train"), 32 * 35 * windows + 32);
var lm = new FusedLstmLanguageModel(wiki.vocabularySize(), 128, 128, true, 42);
var settings = LstmTrainingSettings.defaults().withKeepProbability(0.85).withLearningRates(4e-3, 4e-3);
for (int r = 0; r < 3; r++) {
  long s = System.nanoTime();
  double loss = lm.trainEpoch(part, settings, Progress.NONE);
  System.out.printf("training pass %d: %d windows of 32 x 35, loss %.4f, %.3f s per window%n", r + 1, windows, loss,
      (System.nanoTime() - s) / 1e9 / windows);
}
var valid = java.util.Arrays.copyOf(wiki.tokens("valid"), 20_000);
var net = new FusedLstmLanguageModel(wiki.vocabularySize(), 128, 128, true, 42).toDl4j(42);
for (int r = 0; r < 2; r++) {
  var p = PerplexityEvaluator.evaluate(net, valid, wiki.id(WordCorpus.EOS), 350, org.ocs4j.exec.Executor.FAST, Progress.NONE);
  System.out.printf("perplexity of 20,000 tokens (random model): %.3f, %.0f tokens/s%n", p.perplexity(),
      p.tokensPerSecond());
}
var ptb = (MultiLayerNetwork) Ocs.load(Path.of("models/ptb-lstm.zip"));
Nd4j.getRandom().setSeed(1);
var x = Transforms.floor(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 350).muli(9999), false);
for (int r = 0; r < 2; r++) {
  long s = System.nanoTime();
  var fast = FastInference.output(ptb, x);
  long m = System.nanoTime();
  var dl4j = ptb.output(x);
  long e = System.nanoTime();
  System.out.printf("PTB model, 8 x 350 tokens: fast executor %.2f s, DL4J output() %.2f s, max |diff| %.3g%n",
      (m - s) / 1e9, (e - m) / 1e9, fast.sub(dl4j).amaxNumber().doubleValue());
}
/exit
