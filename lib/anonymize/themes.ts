// The vocabularies of anonymised values (reference §8.1's themes): operation codenames for
// paths, UTM values and referrer hosts, terminal resolutions for screens, tropical birds for
// operating systems, mammals and body parts for browsers, vessel classes for devices. Where
// collisions would merge rows that must stay apart (pages, referrers, UTM values), a keyed hex
// suffix follows the word, so the word list's length never limits distinctness.

export const CODENAMES: readonly string[] = words(`
  anvil aurora avalanche basilisk bastion blackbird blizzard bluejay bramble cobalt comet
  condor copperhead cyclone dagger driftwood eclipse ember falcon firefly foxtrot glacier
  granite harpoon hawkeye horizon ironclad jackal juniper kestrel lantern lightning longbow
  magpie marlin meridian monsoon nebula nightjar obsidian orchid osprey paladin peregrine
  phantom quarry quicksilver raven riptide sabre sandstorm sentinel sparrow stingray tempest
  thunder trident typhoon umbra vanguard viper whirlwind wolverine zephyr
`);

/** Classic terminal and home-computer text or pixel resolutions: [width, height]. */
export const TERMINAL_RESOLUTIONS: readonly (readonly [number, number])[] = [
  [80, 25], // IBM PC
  [80, 24], // VT100
  [132, 24], // VT100 wide
  [40, 24], // Commodore 64
  [40, 25], // Apple II
  [64, 16], // TRS-80
  [32, 16], // Sinclair ZX81
  [32, 24], // ZX Spectrum
  [80, 43], // EGA
  [80, 50], // VGA
  [320, 200], // CGA
  [640, 200], // CGA high
  [640, 350], // EGA graphics
  [512, 342], // Macintosh 128K
  [160, 144], // Game Boy
  [256, 240], // NES
];

export const TROPICAL_BIRDS: readonly string[] = words(`
  Toucan Macaw Hoatzin Quetzal Cockatoo Lorikeet Hornbill Jacamar Motmot Trogon Sunbird Tanager
  Manakin Cotinga Barbet Kingfisher Bee-eater Roller Frigatebird Booby Flamingo Ibis Oropendola
  Honeycreeper
`);

export const MAMMALS: readonly string[] = words(`
  Badger Otter Lynx Ferret Wombat Lemur Tapir Marten Ocelot Pangolin Okapi Dingo Ibex Quokka
  Wolverine Caracal Coati Fossa Gibbon Hyrax Kinkajou Margay Numbat Serval
`);

export const BODY_PARTS: readonly string[] = words(`
  head tail paw claw fang whisker snout ear horn hoof mane eye tooth spine heart wing
`);

/** Device classes as vessel classes; any other non-empty value is an unknown vessel. */
export const VESSELS: Readonly<Record<string, string>> = {
  desktop: "mothership",
  tablet: "shuttle",
  mobile: "probe",
};
export const UNKNOWN_VESSEL = "unknown-vessel";

/** Referrers become hosts under a reserved name (RFC 2606), so no mapped URL is ever real. */
export const REFERRER_ZONE = "intranet.example";

function words(list: string): string[] {
  return list.trim().split(/\s+/);
}
