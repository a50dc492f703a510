/** MLflow-style generated run names: `<adjective>-<noun>-<number>`. */
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'able', 'agreeable', 'amazing', 'ambitious', 'bemused', 'bold', 'brave', 'bright', 'calm', 'capable',
  'casual', 'charming', 'clean', 'clever', 'colorful', 'crawling', 'debonair', 'delicate', 'dapper', 'efficient',
  'enchanting', 'entertaining', 'fearless', 'funny', 'gentle', 'gifted', 'glamorous', 'grandiose', 'gregarious', 'handsome',
  'honorable', 'industrious', 'invincible', 'judicious', 'kindly', 'languid', 'learned', 'likeable', 'lyrical', 'magnificent',
  'mercurial', 'merciful', 'nebulous', 'omniscient', 'painted', 'peaceful', 'polite', 'resilient', 'rogue', 'rumbling',
  'salty', 'secretive', 'selective', 'sincere', 'skillful', 'smiling', 'spiffy', 'stately', 'suave', 'sedate',
  'tasteful', 'thoughtful', 'traveling', 'trusting', 'unequaled', 'upbeat', 'valuable', 'victorious', 'vigorous', 'welcoming',
  'whimsical', 'wise', 'youthful', 'zealous',
];
const NOUNS = [
  'ant', 'ape', 'asp', 'auk', 'bass', 'bat', 'bear', 'bee', 'bird', 'boar', 'bug', 'calf', 'carp', 'cat', 'chimp',
  'cod', 'colt', 'conch', 'cow', 'crab', 'crane', 'croc', 'crow', 'cub', 'deer', 'doe', 'dog', 'dolphin', 'donkey',
  'dove', 'duck', 'eel', 'elk', 'fawn', 'finch', 'fish', 'flea', 'fly', 'foal', 'fowl', 'fox', 'frog', 'gnat',
  'gnu', 'goat', 'goose', 'grouse', 'grub', 'gull', 'hare', 'hawk', 'hen', 'hog', 'horse', 'hound', 'jay', 'kit',
  'kite', 'koi', 'lamb', 'lark', 'loon', 'lynx', 'mare', 'midge', 'mink', 'mole', 'moose', 'moth', 'mouse', 'mule',
  'newt', 'owl', 'ox', 'panda', 'penguin', 'perch', 'pig', 'pug', 'quail', 'ram', 'rat', 'ray', 'robin', 'roo',
  'rook', 'seal', 'shad', 'shark', 'sheep', 'shoat', 'shrew', 'shrike', 'shrimp', 'skink', 'skunk', 'sloth', 'slug',
  'smelt', 'snail', 'snake', 'snipe', 'sow', 'sponge', 'squid', 'squirrel', 'stag', 'steed', 'stoat', 'stork',
  'swan', 'tern', 'toad', 'trout', 'turtle', 'vole', 'wasp', 'whale', 'wolf', 'worm', 'wren', 'yak', 'zebra',
];

/** A fresh random run name such as `bold-owl-417`. */
export function generateRunName(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)]!;
  const noun = NOUNS[randomInt(NOUNS.length)]!;
  return `${adjective}-${noun}-${randomInt(1000)}`;
}
