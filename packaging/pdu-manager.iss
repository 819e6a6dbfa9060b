; Inno Setup script: a per-user installer of the PyInstaller bundle, no administrator rights.
;
; Build the bundle first (packaging/README.md), then, from the repository root:
;     "%LOCALAPPDATA%\Programs\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\pdu-manager.iss
; (the version is pyproject.toml's; build.ps1 passes it). The installer is written
; to dist\PDU-Manager-<version>-setup.exe.
;
; Where things go:
;   the program   %LOCALAPPDATA%\Programs\PDU Manager   (replaced by each install, removed by the uninstaller)
;   the data      %LOCALAPPDATA%\PDU Manager            (database, backups, logs: the app's, never touched here)
; Installing a newer version over an older one replaces the program only; the
; app itself backs the database up and upgrades it on its next start.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z packaging\pdu-manager.iss
#endif
#define AppName "PDU Manager"
#define Bundle "..\dist\PDU Manager"

[Setup]
; The AppId ties every version together: a newer installer upgrades in place. Never change it.
AppId={{6F0C2E1B-52B7-4E0C-9B84-1D5F2A7C3E90}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=PDU Manager
VersionInfoVersion={#AppVersion}
; Per user: no administrator rights, nothing in Program Files or HKLM.
PrivilegesRequired=lowest
DefaultDirName={localappdata}\Programs\{#AppName}
DisableDirPage=yes
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir=..\dist
OutputBaseFilename=PDU-Manager-{#AppVersion}-setup
SetupIconFile=..\resources\icons\pdu-manager.ico
UninstallDisplayIcon={app}\pdu-manager.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; The app must be closed to replace its files: Windows' Restart Manager asks it to.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[InstallDelete]
; A newer build may drop files an older one had: clear the old program first (never the data).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Bundle}\pdu-manager.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Bundle}\pdu-manager-cli.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#Bundle}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; The data folder the app uses (platformdirs: the local, not roaming, profile: SQLite's
; WAL is unsafe on a network share). Made here so it exists; never removed on uninstall.
Name: "{localappdata}\{#AppName}"; Flags: uninsneveruninstall

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\pdu-manager.exe"; WorkingDir: "{localappdata}\{#AppName}"; Comment: "Caseload, allocation and workload of your PDU"
Name: "{autoprograms}\{#AppName} demo"; Filename: "{app}\pdu-manager.exe"; Parameters: "--demo"; WorkingDir: "{localappdata}\{#AppName}"; Comment: "PDU Manager on a synthetic demo PDU (no real data)"
Name: "{autoprograms}\{#AppName} guide"; Filename: "{app}\_internal\app\resources\help\index.html"; Comment: "The PDU Manager user guide"

[Run]
Filename: "{app}\pdu-manager.exe"; Parameters: "--demo"; Description: "Open the demo PDU now"; Flags: nowait postinstall skipifsilent unchecked

[UninstallDelete]
; Only what the installer itself put in the program folder; the data folder stays.
Type: dirifempty; Name: "{app}"

[Messages]
UninstalledAll=%1 was removed from your computer.%n%nYour database, its backups and logs are kept in your local application data folder (AppData\Local\PDU Manager): delete that folder yourself if you no longer need them.
