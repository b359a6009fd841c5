/**
 * electron-builder's afterPack hook: flips Electron's fuses on the packed executable before it
 * is signed, so the shipped kiosk cannot be turned into a plain Node (RunAsNode), take code
 * from NODE_OPTIONS or --inspect, load an app from outside its ASAR archive, or run an archive
 * that was altered after packaging (on Windows and macOS, where Electron checks it).
 */
const path = require('node:path');
const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');

const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The packed Electron executable for electron-builder's platform names. */
function executablePath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const info = packager.appInfo;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${info.productFilename}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${info.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName);
}

async function flipKioskFuses(executable, platform) {
  await flipFuses(executable, { ...FUSES, resetAdHocDarwinSignature: platform === 'darwin' && process.arch === 'arm64' });
}

async function afterPack(context) {
  const exe = executablePath(context);
  await flipKioskFuses(exe, context.electronPlatformName);
  console.log(`  • fuses flipped on ${exe}`);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.flipKioskFuses = flipKioskFuses;
module.exports.executablePath = executablePath;
