// Unlisted files that FreePBX's own releases carry in module directories: their module.sig does not
// list them, yet every stock installation has them. Known by module, path AND content (sha256), never by
// name alone: a web shell saved as utests/genaccts.php has other content and is still a finding.
//
// Source: real installed FreePBX web roots (five installations: FreePBX 14, 16 and 17) found in
// public git snapshots, where every module listed here verified with a good, trusted FreePBX signature
// and all its listed files matching; each file below sat unlisted beside them. Framework ships its unit
// tests (utests/, FreePBX 14 to 17); recording_report ships a vendor dotfile its signer left out.
// utests/UpdatesTest.php was also checked against FreePBX/framework's own repository (same digest).
// The comment on each line names the module versions that carried that content.
//
// To add files: same shape, source 'stock', and say where the content was seen. A site's own known
// files come from its configuration with source 'site' (see known-files.ts), not from here.

// Plain data with no import: known-files.ts, which gives it its type, reads it.
export const STOCK_FILES: ReadonlyArray<{
  readonly module: string;
  readonly path: string;
  readonly sha256: string;
  readonly source: 'stock';
}> = [
  // framework 15.0.37.4
  {
    module: 'framework',
    path: 'utests/API/GQL/ModuleAdminGqlApiTest.php',
    sha256: '6c932b1f82bbdc145381191acafcb21cc75619c5a42baf0f30ca7ca6eecd9723',
    source: 'stock',
  },
  // framework 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/API/GQL/ModuleAdminGqlApiTest.php',
    sha256: 'c54d3e5cb1c6f07f0dbbd067557817e5396a537436f37aa9cbc188dfde43ac3d',
    source: 'stock',
  },
  // framework 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/API/GQL/SystemAdminGglApiTest.php',
    sha256: '71d911187c0b413975737ccd3d39538b1eb515d0a85683f78863e06768b57ec2',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/AstmanTest.php',
    sha256: '2b84620660b7f8cef06bdb66a1a80a7a56242e1eec766b82e2238f08c559c0a1',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/CronTest.php',
    sha256: '236c94b2a25868715b2d25e6fb0ee585124a444d0b7b9bbd27eba13a195b8e4f',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/DBHelperTest.php',
    sha256: '6bb089331962e9b95430568f26bc036d9809c1b84db795cdc0d25dcaf270dc9a',
    source: 'stock',
  },
  // framework 14.0.1.19
  {
    module: 'framework',
    path: 'utests/DoctrineTest.php',
    sha256: '779618c7af8a9ce62cc78d8c481877dba180f83dea05b2f5796f81427200ba50',
    source: 'stock',
  },
  // framework 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/DoctrineTest.php',
    sha256: 'e66590b150eaf7e5c36c5abe275d4e4a4e51fe55deea603188afdb198b231656',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/FwconsoleTest.php',
    sha256: '4c0718ad9ac1207b70d4aeabc5a307a547389f13abceebcd87e47c29cc8b506a',
    source: 'stock',
  },
  // framework 14.0.1.19
  {
    module: 'framework',
    path: 'utests/GPGTest.php',
    sha256: '765e04512e5f4c06d22cf7bb5c29574c198401fcfb654519905302c27a9809d8',
    source: 'stock',
  },
  // framework 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/GPGTest.php',
    sha256: '12a5bffcd5b2416cb36046936bb939b4e0dbe6de9aacc4e1b222c5725ceb866e',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/InstallerTest.php',
    sha256: '9b3956ad5f389b47ae4f9588faaa1c6158261d72bf812521215594a679b5360b',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/LoadConfigTest.php',
    sha256: '0283635fa118eb8f550dda70b8097570c35041203b619ebd28e6849287271d23',
    source: 'stock',
  },
  // framework 14.0.1.19
  {
    module: 'framework',
    path: 'utests/MailTest.php',
    sha256: '36d0f97af466a0bfb70cbcf92b2269cecbb8d459b76d0f19c06fe056bdc4fa54',
    source: 'stock',
  },
  // framework 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/MailTest.php',
    sha256: 'f3fca161565e1eb5277ff9d9fe53274c06d3e525c97790f46904a7425318101d',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/ModulesTest.php',
    sha256: '44d42c01d8992470636b471216a9cb2443d896203237b6790f5a065d6a2f0004',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/PHPTest.php',
    sha256: 'cffc215e0f7ae727a9c066e7bc237ce26201baad60aa019c60ba7d47f5551e3d',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/PKCSTest.php',
    sha256: 'd4ad91ce029dbc74e2c8fc90f3e3d10de159fd04cbe836efa2a5a3157da4e2ca',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/RealtimeTest.php',
    sha256: 'b0ff6e14975af9c3d4a5b8ca6141afad1b3fc97439b52ec843bd82dc5aacade3',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/RequestTest.php',
    sha256: '1d7191503f32c582ee36ede189ff0a2d96de979794e57dd1da25fe682eaadd96',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/UpdatesTest.php',
    sha256: 'c5c225d3cd45b00530d67fffb7685488caaead265d28854f492bf1a5f3c2f68b',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/ViewsTest.php',
    sha256: '0b14f6c2d25ddf32d750f5bfeb2fa3534a4f80c6666a339bc08ef2fa658a54fd',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4
  {
    module: 'framework',
    path: 'utests/WebTest.php',
    sha256: '8f934bfb0a073c2fb749dbcf22884919786d07175def7d58cd5c0454df830fd5',
    source: 'stock',
  },
  // framework 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/WebTest.php',
    sha256: '4511e1c3266427837d7e73083b7a40a2ae96f6f781c5550f61985dbb203f3ee4',
    source: 'stock',
  },
  // framework 14.0.1.19, 15.0.37.4, 17.0.19.27, 17.0.19.28, 17.0.28
  {
    module: 'framework',
    path: 'utests/genaccts.php',
    sha256: '43e2bc768833c17ab64469a6a867e075b10dcaae78e5e5ab70415031925d0bf4',
    source: 'stock',
  },
  // recording_report 15.0.13
  {
    module: 'recording_report',
    path: 'vendor/php-ffmpeg/php-ffmpeg/.sami.php',
    sha256: '3bff159c2bb8c6f93d501efade5aecd00012e8404544d8037ba3f8fae2649c41',
    source: 'stock',
  },
];
