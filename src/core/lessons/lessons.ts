/**
 * The lessons registry: guided presets that each set a whole configuration and explain, in plain words and one
 * formula, what to watch. Pure data plus two lookups; the UI renders the TeX with KaTeX and the Node tests check
 * that every lesson's configuration passes validate() on its dataset and that what its "watch" text promises
 * happens, with the numbers it names, for seeds 1–5 (test/core/lessons/outcomes.test.ts).
 *
 * A lesson's configuration is `makeConfig(lesson.overrides, makeConfig(suggested config of its dataset))`: the
 * dataset's defaults with the lesson's changes on top, every other field at its documented default. Only the
 * backend preference is left to the user (a lesson is about metric learning, not about the user's hardware).
 */
import { makeConfig, type BackendName, type Config, type DeepPartial } from '../config';
import { builtinInfo } from '../data/builtin';

/** One guided preset. */
export interface Lesson {
  /** Stable identifier, used in links (`?lesson=<id>`). Lower-case words joined by hyphens. */
  id: string;
  /** Short title; also the accessible name of the lesson's button. */
  title: string;
  /** The built-in dataset the lesson trains on. */
  dataset: string;
  /** What the lesson changes on top of the dataset's suggested configuration. */
  overrides: DeepPartial<Config>;
  /** Two to four plain-language sentences: the idea. */
  explanation: string;
  /**
   * What the class will see while it trains, with numbers; the steps it names are the lesson's `training.steps`
   * (what `npm run train -- --lesson <id>` runs).
   */
  watch: string;
  /** The lesson's formula in TeX (rendered with KaTeX in the page). */
  formula: string;
  /** The formula in one plain sentence, shown beside it. */
  formulaInWords: string;
}

/**
 * Lessons evaluate every this many steps (the playground default is 100), so the distance histograms and the
 * threshold view move along even in slow motion; the worker still evaluates at most once a second.
 */
export const LESSON_EVAL_EVERY = 20;

/** Every lesson, in teaching order. */
export const LESSONS: readonly Lesson[] = Object.freeze([
  {
    id: 'siamese-basics',
    title: 'What a Siamese network is',
    dataset: 'blobs',
    overrides: {
      data: { dataset: 'blobs' },
      model: { tower: 'mlp', mlp: { hiddenUnits: [32, 32] }, embeddingDim: 2, l2Normalize: false },
      objective: { loss: 'contrastive', distance: 'euclidean', margin: 1 },
      mining: { miner: 'all', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 300 },
      batch: { mode: 'pairs', size: 64, positiveFraction: 0.5 },
    },
    explanation:
      'A Siamese (twin) network runs two inputs through two towers that are really one network: the same layers ' +
      'with the same weights. It turns each input into a point (an embedding) and compares the two points by their ' +
      'distance. Training nudges the shared weights so that pairs of the same class end up close and pairs of ' +
      'different classes far apart.',
    watch:
      'The embedding here has just 2 numbers, so the scatter is the learned space itself. Press Step a few times, ' +
      'then Train: within 300 steps the five clouds pull apart, and points of different classes end up on average ' +
      '6 to 9 times farther apart than points of one class (2 to 3 times at the start).',
    formula: 'd_\\theta(x_1, x_2) = \\lVert f_\\theta(x_1) - f_\\theta(x_2) \\rVert_2',
    formulaInWords:
      'Both inputs go through the same network f with the same weights θ; their similarity is the straight-line ' +
      'distance between the two outputs.',
  },
  {
    id: 'contrastive-loss',
    title: 'Contrastive loss: pairs and a margin',
    dataset: 'moons',
    overrides: {
      data: { dataset: 'moons' },
      model: { tower: 'mlp', mlp: { hiddenUnits: [32, 32] }, embeddingDim: 2, l2Normalize: false },
      objective: { loss: 'contrastive', distance: 'euclidean', margin: 1 },
      mining: { miner: 'all', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 500 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 2 },
    },
    explanation:
      'The contrastive loss looks at one pair at a time. A pair of the same class pays for any distance between ' +
      'its two points; a pair of different classes pays only while it is closer than the margin m, and nothing once ' +
      'it is farther. So similar points are pulled together and different ones pushed out to at least m.',
    watch:
      'In "Distances and threshold", the different-class distances move out to the margin line (m = 1) and past ' +
      'it: after 500 steps more than half of them lie beyond it, where none did at the start, while the same-class ' +
      'distances stay near 0, about a tenth of the margin. Compare with the next lesson, the triplet loss.',
    formula: 'L = y\\,d^2 + (1 - y)\\,\\max(0,\\ m - d)^2',
    formulaInWords:
      'A similar pair (y = 1) costs its squared distance d²; a different pair (y = 0) costs the squared shortfall ' +
      'of its distance below the margin m, and nothing beyond it.',
  },
  {
    id: 'triplet-loss',
    title: 'Triplet loss: closer than the negative, by a margin',
    dataset: 'moons',
    overrides: {
      data: { dataset: 'moons' },
      model: { tower: 'mlp', mlp: { hiddenUnits: [32, 32] }, embeddingDim: 2, l2Normalize: false },
      objective: { loss: 'triplet', distance: 'euclidean', margin: 0.5, softMargin: false, reduction: 'mean-non-zero' },
      mining: { miner: 'all', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 300 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 2 },
    },
    explanation:
      'The triplet loss compares distances instead of judging one pair alone: an anchor a, a positive p of the ' +
      'same class and a negative n of another class. It is satisfied as soon as the negative is farther from the ' +
      'anchor than the positive by at least the margin m; how far apart the points are in absolute terms does not ' +
      'matter. Unlike the contrastive loss, it never demands that same-class points meet.',
    watch:
      'The triplet chart: at first hardly any triplet of a batch is easy; after 300 steps over 85% are (the ' +
      'negative already beyond d(a,p) + m), and the held-out triplets inside the margin fall from nearly all to a ' +
      'few percent. Set the speed to 1 step/s (or pause and press Step): the triplet inspector lists the triplets of ' +
      'each batch, their two distances and their loss; pick one to see its anchor and margin ring on the scatter.',
    formula: 'L(a, p, n) = \\max\\big(d(a,p) - d(a,n) + m,\\ 0\\big)',
    formulaInWords:
      'A triplet costs how much the positive distance plus the margin exceeds the negative distance, and nothing ' +
      'once the negative is at least m farther than the positive.',
  },
  {
    id: 'mining-random',
    title: 'Mining 1: random triplets',
    dataset: 'digits',
    overrides: {
      data: { dataset: 'digits' },
      objective: { loss: 'triplet', distance: 'euclidean', margin: 0.2, reduction: 'mean-non-zero' },
      mining: { miner: 'random', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 200 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 8 },
    },
    explanation:
      'A batch holds far more triplets than are worth training on. A random miner takes one random positive and ' +
      'one random negative per anchor. After a little training most such triplets are already easy — the negative ' +
      'is beyond the margin — so they cost nothing and teach nothing, and learning slows down.',
    watch:
      'In the triplet inspector, count the easy triplets (zero loss): after 200 steps three in four or more of the ' +
      'random picks are easy and teach nothing. Then open the semi-hard lesson: at the same step its MAP@R is higher.',
    formula:
      '\\delta = d(a,n) - d(a,p):\\quad \\text{hard } \\delta \\le 0,\\quad \\text{semi-hard } 0 < \\delta \\le m,\\quad \\text{easy } \\delta > m',
    formulaInWords:
      'δ says how much farther the negative is than the positive: at most 0 is hard, up to the margin is semi-hard, ' +
      'beyond the margin is easy (zero loss).',
  },
  {
    id: 'mining-semi-hard',
    title: 'Mining 2: semi-hard triplets',
    dataset: 'digits',
    overrides: {
      data: { dataset: 'digits' },
      objective: { loss: 'triplet', distance: 'euclidean', margin: 0.2, reduction: 'mean-non-zero' },
      mining: { miner: 'semi-hard', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 200 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 8 },
    },
    explanation:
      'A semi-hard miner keeps only triplets whose negative is farther than the positive but still inside the ' +
      'margin. They all have a loss, so every one of them teaches something, yet none asks the network to undo a ' +
      'mistake it cannot fix yet. This is the choice of FaceNet (Schroff et al., 2015).',
    watch:
      'Every row of the triplet inspector reads "semi-hard", and every batch has some to train on. The ' +
      'different-class histogram leaves the same-class one behind: after 200 steps their middles are more than 0.5 ' +
      'apart (about 0.65 against 1.4) and the held-out AUC is above 0.95.',
    formula: 'd(a,p) < d(a,n) \\le d(a,p) + m',
    formulaInWords: 'The negative is farther from the anchor than the positive, but by no more than the margin m.',
  },
  {
    id: 'mining-hard',
    title: 'Mining 3: hard triplets and collapse',
    dataset: 'digits',
    overrides: {
      data: { dataset: 'digits' },
      objective: { loss: 'triplet', distance: 'euclidean', margin: 0.2, reduction: 'mean' },
      mining: { miner: 'hard', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 200 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 8 },
      optimizer: { name: 'adam', learningRate: 0.01 },
    },
    explanation:
      'A hard miner trains only on triplets whose negative is as close as the positive or closer. Early on these ' +
      'are often mislabelled or simply too hard, and there is a cheap way out: if every sample is mapped to the ' +
      'same point, all distances are 0 and every triplet costs exactly m — a stable, useless state called collapse.',
    watch:
      'In "Distances and threshold", both histograms squeeze towards 0 within 100 steps, far inside the margin ' +
      'line: after 200 steps same-class pairs are about 0.015 apart and different-class pairs 0.03 (semi-hard ' +
      'mining: 0.65 and 1.4). Every held-out triplet is inside the margin, the loss sits at m = 0.2, and the warning ' +
      '"The embedding has shrunk" appears. P@1 stays high: the points keep their order, but all of them have crowded ' +
      'into one tiny patch of the sphere, where distances and the margin no longer mean anything.',
    formula: 'f(x) = c\\ \\ \\forall x \\;\\Rightarrow\\; d(a,p) = d(a,n) = 0 \\;\\Rightarrow\\; L = m',
    formulaInWords:
      'If the network sends every input to the same point c, every distance is 0, every triplet is "hard" and costs ' +
      'exactly the margin m, and its gradients no longer tell the classes apart.',
  },
  {
    id: 'split-input',
    title: 'Split input: two halves of one sample',
    dataset: 'sequence-events',
    overrides: {
      data: { dataset: 'sequence-events', splitInput: true, splitRatio: 0.75 },
      model: { tower: 'mlp', mlp: { hiddenUnits: [64] }, embeddingDim: 16, l2Normalize: true },
      objective: { loss: 'triplet', distance: 'euclidean', margin: 0.2 },
      mining: { miner: 'all', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 300 },
      batch: { mode: 'pk', size: 60, classesPerBatch: 5 },
    },
    explanation:
      'Sometimes nobody labels which samples are similar, but each sample has two parts that belong together: here a ' +
      "signal's context and the event that follows it. Cut every sample in two; the two halves of one sample form " +
      'the positive pair, halves of different samples the negatives. The network learns which events fit which ' +
      'contexts, and an event far from its own context is unusual.',
    watch:
      'The triplet inspector shows anchors (first halves) with their own second half as the positive. P@1 asks ' +
      'which held-out event belongs to each context: chance at the start (under one in ten), a quarter to two ' +
      'fifths after 300 steps, while the AUC of "own halves" against "other samples\' halves" climbs from about 0.5 ' +
      'to 0.85 or more.',
    formula:
      'x_i = [\\,x_i^{(a)} \\mid x_i^{(b)}\\,]:\\quad \\text{positive } (x_i^{(a)}, x_i^{(b)}),\\quad \\text{negative } (x_i^{(a)}, x_j^{(b)}),\\ j \\ne i',
    formulaInWords:
      'Each sample is cut into a first half a and a second half b; its own two halves are similar, halves of two ' +
      'different samples are not.',
  },
  {
    id: 'distance-choice',
    title: 'Choosing a distance: cosine versus Euclidean',
    dataset: 'blobs',
    overrides: {
      data: { dataset: 'blobs' },
      model: { tower: 'mlp', mlp: { hiddenUnits: [32, 32] }, embeddingDim: 2, l2Normalize: false },
      objective: { loss: 'triplet', distance: 'cosine', margin: 0.2 },
      mining: { miner: 'all', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 400 },
      batch: { mode: 'pk', size: 60, classesPerBatch: 5 },
    },
    explanation:
      'The distance decides what "close" means. Euclidean distance is the length of the straight line between two ' +
      'points. Cosine distance only looks at the angle between them, seen from the origin: stretching a point ' +
      'outwards does not change it. With cosine distance the classes therefore become directions — rays from the ' +
      'centre — rather than round clouds.',
    watch:
      'The embedding is 2-D, so the scatter shows the rays directly: after 400 steps each class is stretched along ' +
      'its ray, spread about twice as much along it as across it. Switch Distance to euclidean in the model panel ' +
      'and reset: after as many steps the classes are round clouds instead (no more spread along than across).',
    formula:
      'd_{\\cos}(u, v) = 1 - \\frac{u \\cdot v}{\\lVert u \\rVert\\, \\lVert v \\rVert} \\qquad d_2(u, v) = \\lVert u - v \\rVert_2',
    formulaInWords:
      'Cosine distance is one minus the cosine of the angle between two embeddings (0 = same direction, 2 = ' +
      'opposite); Euclidean distance is the length of their difference.',
  },
  {
    id: 'text-recurrent',
    title: 'Text with a recurrent tower',
    dataset: 'typo-words',
    overrides: {
      data: { dataset: 'typo-words' },
      model: { tower: 'gru', recurrent: { tokenEmbeddingDim: 16, units: 32 }, embeddingDim: 32, l2Normalize: true },
      objective: { loss: 'triplet', distance: 'euclidean', margin: 0.2 },
      mining: { miner: 'semi-hard', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 150 },
      batch: { mode: 'pk', size: 64, classesPerBatch: 8 },
      // 3× the default rate: the words' clusters show within 150 steps, which keeps a lesson short.
      optimizer: { name: 'adam', learningRate: 0.003 },
    },
    explanation:
      'Words of different lengths cannot go through a fixed-size layer, so the tower reads them one character at a ' +
      'time with a recurrent layer (a GRU) that carries a memory along the word. Its final memory becomes the ' +
      'embedding. Spellings of the same word with typos should land close together.',
    watch:
      'Hover over points of the scatter to read the misspelt words; clusters of one word form as training goes on. ' +
      'Within 150 steps MAP@R more than doubles (from under 0.2 to 0.35–0.55) and the AUC rises from about 0.65 to ' +
      'above 0.9.',
    formula: 'h_t = \\mathrm{GRU}(h_{t-1},\\ e_{c_t}), \\qquad f(\\text{word}) = W\\,h_T',
    formulaInWords:
      "The memory h is updated with each character's learned vector e; after the last character T, a linear layer W " +
      'turns the memory into the embedding.',
  },
  {
    id: 'unseen-classes',
    title: 'New classes: what a Siamese network is for',
    dataset: 'digits',
    overrides: {
      data: { dataset: 'digits', unseenClasses: [5, 6, 7, 8, 9] },
      model: { tower: 'mlp', mlp: { hiddenUnits: [64] }, embeddingDim: 32, l2Normalize: true },
      objective: { loss: 'triplet', distance: 'euclidean', margin: 0.2 },
      mining: { miner: 'semi-hard', mode: 'online' },
      training: { evalEvery: LESSON_EVAL_EVERY, steps: 300 },
      batch: { mode: 'pk', size: 40, classesPerBatch: 5 },
    },
    explanation:
      'A face or signature verifier must compare people it never trained on. Here the digits 5 to 9 are held out: ' +
      'the network trains on 0 to 4 only, and every held-out number, the scatter and the histograms are about ' +
      '5 to 9. The verification threshold is chosen on new samples of 0 to 4, as a deployed verifier would be.',
    watch:
      'The metrics area reads "Unseen classes only: 5, 6, 7, 8, 9". Compare its MAP@R (the digits 5 to 9) with ' +
      '"MAP@R seen" (new samples of 0 to 4): within 300 steps MAP@R seen climbs above 0.95, while MAP@R on the ' +
      'unseen digits ends below where it started and under 0.45, more than 0.5 lower. Pair accuracy, at the ' +
      'threshold chosen on 0 to 4, stays under 0.8 on 5 to 9: a network learns the classes it is shown.',
    formula: '\\mathcal{C}_{\\text{train}} \\cap \\mathcal{C}_{\\text{test}} = \\varnothing',
    formulaInWords: 'The classes the network trains on and the classes it is measured on share no member.',
  },
] satisfies Lesson[]);

/** The lesson with this id, or null (links may carry ids of lessons that no longer exist). */
export function findLesson(id: string | null | undefined): Lesson | null {
  if (!id) return null;
  return LESSONS.find((l) => l.id === id) ?? null;
}

/**
 * The full configuration a lesson sets: its dataset's suggested configuration with the lesson's overrides on top.
 * `backend` keeps the user's backend preference (default: the config default, `auto`).
 */
export function lessonConfig(lesson: Lesson, backend?: BackendName): Config {
  const suggested = makeConfig(builtinInfo(lesson.dataset).suggested);
  const config = makeConfig(lesson.overrides, suggested);
  config.data.dataset = lesson.dataset;
  if (backend) config.training.backend = backend;
  return config;
}
